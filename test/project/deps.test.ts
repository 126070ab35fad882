/**
 * The parts of `strata deps` that must agree with dbt and with other tools, checked against
 * them: version picking against dbt's own semver module, the lock file's YAML against PyYAML
 * and its hash input against Python's json (both in the dbt harness's Python), and tar
 * reading against archives written by GNU tar and Python's tarfile.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { extractTarGz } from '../../src/project/deps/tarball.js';
import { parseConstraint, pickVersion } from '../../src/project/deps/version-spec.js';
import { pythonJson } from '../../src/project/deps/package-spec.js';
import { dumpYaml } from '../../src/project/deps/lock-file.js';
import { gnuTarball } from '../helpers/package-sources.js';

const HARNESS_PYTHON = join(import.meta.dirname, '..', '..', '.venv-dbt', 'bin', 'python');
const harness = existsSync(HARNESS_PYTHON);
const needHarness = { skip: !harness && process.env['STRATA_REQUIRE_DBT'] !== '1' ? 'dbt harness not installed' : false };
const python = (bin: string, script: string, input: unknown): unknown =>
  JSON.parse(execFileSync(bin, ['-c', script], { input: JSON.stringify(input), encoding: 'utf8' })) as unknown;

const AVAILABLE = ['0.1.0', '0.9.0', '1.0.0', '1.0.1', '1.2.0', '1.3.0-b1', '1.3.0-b2', '1.3.0', '2.0.0-rc1', '2.0.0', '2.1.0'];
const CONSTRAINTS: string[][] = [
  ['1.0.0'],
  ['>=1.0.0'],
  ['>=1.0.0', '<2.0.0'],
  ['>1.0.0', '<=1.3.0'],
  ['>=1.0.0', '<1.3.0'],
  ['<2.0.0'],
  ['<=2.0.0'],
  ['>=1.3.0-b1', '<1.3.0'],
  ['1.3.0-b2'],
  ['>=2.0.0-rc1'],
  ['>=1.0.0', '>=1.2.0', '<2.1.0'],
  ['>3.0.0'],
  ['>=1.2.0', '<1.0.0'],
  ['1.0.0', '>=1.0.0'],
  ['=1.2.0'],
];

test('hub versions: the version picked for each set of constraints is the one dbt picks', needHarness, () => {
  assert.ok(harness, `${HARNESS_PYTHON} is required (STRATA_REQUIRE_DBT=1)`);
  const cases = CONSTRAINTS.flatMap((c) => [false, true].map((pre) => ({ c, pre })));
  const theirs = python(
    HARNESS_PYTHON,
    `
import json, sys
from dbt_common import semver
out = []
for case in json.load(sys.stdin)['cases']:
    specs = [semver.VersionSpecifier.from_version_string(v) for v in case['c']]
    pre = case['pre'] or any(bool(s.prerelease) for s in specs)
    try:
        rng = semver.reduce_versions(*specs)
    except Exception:
        out.append(None); continue
    out.append(semver.resolve_to_specific_version(rng, semver.filter_installable(${JSON.stringify(AVAILABLE)}, pre)))
print(json.dumps(out))
`,
    { cases },
  ) as (string | null)[];
  cases.forEach(({ c, pre }, i) => {
    const constraints = c.map((t) => parseConstraint(t)!);
    const mine = pickVersion(AVAILABLE, constraints, pre || constraints.some((x) => x.version.prerelease !== undefined));
    assert.equal(mine ?? null, theirs[i], `${c.join(', ')} (prerelease ${pre})`);
  });
});

test('hub versions: hand-checked picks', () => {
  const pick = (c: string[], pre = false): string | undefined => pickVersion(AVAILABLE, c.map((t) => parseConstraint(t)!), pre);
  assert.equal(pick(['>=1.0.0', '<2.0.0']), '1.3.0');
  assert.equal(pick(['<2.0.0'], true), '1.3.0', '<2.0.0 stops before 2.0.0-rc1');
  assert.equal(pick(['>=1.3.0-b1', '<1.3.0'], true), undefined, "even when the other bound does (dbt's rule)");
  assert.equal(pick(['>3.0.0']), undefined);
  assert.equal(parseConstraint('1.0'), undefined);
  assert.equal(parseConstraint('>= 1.0.0')?.matcher, undefined, 'no space after the matcher, as dbt');
});

test('lock file YAML is what PyYAML writes, and the hash input is what Python json writes', needHarness, () => {
  assert.ok(harness, `${HARNESS_PYTHON} is required (STRATA_REQUIRE_DBT=1)`);
  const strings = ['1.2.0', '1.0', '010', '0x1F', 'yes', 'No', 'null', '~', '', '2024-01-01', 'a: b', 'a:b', 'x #y', 'x#y', '-', '-x', '? x', ':x', '{{ env_var(\'A\') }}', "it's", ' lead', 'trail ', '@at', '`tick', '%pct', 'https://github.com/o/r.git', 'git@github.com:o/r.git', 'é', 'tab\there', 'quote"d', 'back\\slash', '\u{1F600}', '1e5', '1.5e+3', '.5', '<2.0.0', '>=1.0.0', '*star', '!bang', '&amp', '=', '<<'];
  const doc = { packages: strings.map((s, i) => ({ name: `p${i}`, version: s, revision: i % 2 === 0, list: [s] })), sha1_hash: 'abc' };
  const theirs = python(
    HARNESS_PYTHON,
    `
import json, sys, yaml
class D(yaml.Dumper):
    def increase_indent(self, flow=False, indentless=False):
        return super().increase_indent(flow, False)
doc = json.load(sys.stdin)
print(json.dumps({'yaml': yaml.dump(doc, Dumper=D), 'json': [json.dumps(p, sort_keys=True) for p in doc['packages']]}))
`,
    doc,
  ) as { yaml: string; json: string[] };
  assert.equal(dumpYaml(doc), theirs.yaml);
  assert.deepEqual(doc.packages.map(pythonJson), theirs.json);
});

test('tar: GNU long names, pax headers and links are read; entries leaving the folder are refused', () => {
  const work = mkdtempSync(join(tmpdir(), 'strata-tar-'));
  try {
    const long = `${'deep/'.repeat(30)}file.sql`;
    const gz = gnuTarball(work, 'pkg-1.0.0', { 'dbt_project.yml': 'name: pkg\n', [long]: 'select 1\n' });
    const dest = join(work, 'out');
    assert.deepEqual(extractTarGz(gz, dest, 'gnu'), ['pkg-1.0.0']);
    assert.equal(readFileSync(join(dest, 'pkg-1.0.0', long), 'utf8'), 'select 1\n');

    const make = (members: string): Buffer =>
      execFileSync(
        'python3',
        [
          '-c',
          `
import io, sys, tarfile
buf = io.BytesIO()
with tarfile.open(fileobj=buf, mode='w:gz', format=tarfile.PAX_FORMAT) as t:
    for name, kind, data in ${members}:
        info = tarfile.TarInfo(name)
        if kind == 'link':
            info.type = tarfile.SYMTYPE; info.linkname = data
            t.addfile(info)
        else:
            b = data.encode(); info.size = len(b); t.addfile(info, io.BytesIO(b))
sys.stdout.buffer.write(buf.getvalue())
`,
        ],
        { maxBuffer: 1 << 24 },
      );
    const paxLong = `pkg/${'ü'.repeat(80)}/model.sql`;
    const pax = make(`[('${paxLong}', 'file', 'select 2'), ('pkg/alias.sql', 'link', 'dbt_project.yml'), ('pkg/dbt_project.yml', 'file', 'name: pkg')]`);
    const dest2 = join(work, 'out2');
    assert.deepEqual(extractTarGz(pax, dest2, 'pax'), ['pkg']);
    assert.equal(readFileSync(join(dest2, paxLong), 'utf8'), 'select 2');
    assert.equal(readlinkSync(join(dest2, 'pkg', 'alias.sql')), 'dbt_project.yml');

    assert.throws(() => extractTarGz(make(`[('pkg/../../evil.sql', 'file', 'x')]`), join(work, 'out3'), 'an archive'), /holds "pkg\/\.\.\/\.\.\/evil\.sql", which would be written outside its folder/);
    assert.ok(!existsSync(join(work, 'evil.sql')));
    assert.throws(() => extractTarGz(make(`[('pkg/x', 'link', '/etc/passwd')]`), join(work, 'out4'), 'an archive'), /outside its folder/);
    assert.throws(() => extractTarGz(Buffer.from('not gzip'), join(work, 'out5'), 'an archive'), /is not a gzip file/);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
