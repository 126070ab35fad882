import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { YamlFile } from '../../src/project/index.js';

/** Everything observable about a YamlFile: values, positions of every object, key and item, pending renders. */
function observe(y: YamlFile): unknown {
  const positions: string[] = [];
  const walk = (v: unknown, where: string): void => {
    if (v === null || typeof v !== 'object') return;
    const p = y.pos(v);
    positions.push(`${where} @${p.line}:${p.column}`);
    const keys: (string | number)[] = Array.isArray(v) ? v.map((_, i) => i) : Object.keys(v);
    for (const k of keys) {
      const kp = y.posOf(v, k);
      positions.push(`${where}/${k} @${kp.line}:${kp.column}`);
      walk((v as Record<string, unknown>)[k as string], `${where}/${k}`);
    }
  };
  walk(y.value, '');
  return { value: y.value, positions, pending: y.pendingRenders };
}

function both(source: string): { fast: YamlFile; lib: YamlFile } {
  return { fast: new YamlFile('f.yml', source), lib: new YamlFile('f.yml', source, undefined, 'lib') };
}

function same(source: string, expectFast = true): void {
  const { fast, lib } = both(source);
  if (expectFast) assert.equal(fast.engine, 'fast', `fast reader gave up on:\n${source}`);
  assert.deepEqual(observe(fast), observe(lib), source);
}

const SNIPPETS = [
  '',
  '# only a comment\n',
  '---\nversion: 2\n',
  'a: 1\nb: -2.5\nc: 1e3\nd: .5\ne: 0x1F\nf: 0o17\ng: .inf\nh: ~\ni: null\nj: True\nk: FALSE\nl: yes\nm: "2"\nn: \'it\'\'s\'\no: +3\np:\nq: 1_000\n',
  'models:\n  - name: a\n    description: "with \\"escapes\\" \\u00e9 \\n"\n    columns:\n      - name: id\n        tests:\n          - unique\n          - not_null\n',
  'models:\n- name: a\n  columns:\n  - name: b\n- name: c\n',
  "list: [a, 'b c', \"d\", 1, true, [x, y], {k: v, n: 1}]\nmap: {a: [1, 2], b: 'x', c: \"{{ var('z') }}\"}\nempty: []\nemptymap: {}\n",
  "a: \"{{ env_var('A') }}\"\nb: '{% if x %}y{% endif %}'\nc: plain {{ x }} text\nd: [\"{{ a }}\", '{{ b }}']\n",
  'desc: |\n  line one\n    indented\n\n  after blank\nnext: 1\n',
  'desc: |-\n  keep\n  no newline\n\nnext: >\n  folded text\n  continues here\n\n  new paragraph\nlast: >-\n  strip\n  me\n',
  'keep: |+\n  text\n\n\nnext: 1\n',
  'items:\n  - |\n    block in a list\n  - >\n    folded\n    item\n  - plain\n',
  // a Jinja block scalar is placed at its header, in a list and in a mapping
  'hooks:\n  - >-\n    select {{ 1 }}\n    from x\nafter: |\n  {{ var("a") }}\n  more\nlast: 1\n',
  'a:   spaced   # comment\nb: "q" # c\nc: url://x/y#frag\nd: a:b\n',
  'nested:\n  - - a\n    - b\n  - - c\n',
  'x:\n  y:\n    z: 1\n  w: 2\nv: 3\n',
  '"quoted key": 1\n\'other\': 2\n1: one\ntrue: yes\n',
  '- a\n- b: 1\n  c: 2\n-\n  d: 3\n',
  'a:\n  # comment inside\n  b: 1\n\n\n  c: 2\n',
  'tests:\n  - accepted_values:\n      values: ["a", "b"]\n      config:\n        where: "x > 0"\n',
];

test('the fast reader matches the yaml library on the supported subset', () => {
  for (const s of SNIPPETS) same(s);
});

test('outside the subset the library is used, with the same result', () => {
  for (const s of [
    'a: &x 1\nb: *x\n',
    'base: &b {m: 1}\nc:\n  <<: *b\n',
    'a: multi\n  line plain\n',
    'a: "multi\n  line quoted"\n',
    'a: [1,\n  2]\n',
    'a: !!str 1\n',
    'a:\tb\n',
    'a: 1\r\nb: 2\r\n',
    '? complex\n: key\n',
    'a: {{ unquoted }}\n',
    '%YAML 1.2\n---\na: 1\n',
    'a: 1\n---\nb: 2\n',
  ]) {
    const { fast, lib } = (() => {
      try {
        return both(s);
      } catch {
        return { fast: undefined, lib: undefined };
      }
    })();
    if (!fast || !lib) continue; // both error the same way (checked elsewhere)
    assert.equal(fast.engine, 'lib', s);
    assert.deepEqual(observe(fast), observe(lib), s);
  }
});

test('errors are the same with either reader', () => {
  for (const s of ['a: 1\na: 2\n', 'a:\n  b: 1\n c: 2\n', 'a: "open\n', 'a: [1, 2\n']) {
    let fastErr: unknown;
    let libErr: unknown;
    try {
      new YamlFile('f.yml', s);
    } catch (e) {
      fastErr = e;
    }
    try {
      new YamlFile('f.yml', s, undefined, 'lib');
    } catch (e) {
      libErr = e;
    }
    assert.ok(fastErr && libErr, s);
    assert.deepEqual((fastErr as { position: unknown }).position, (libErr as { position: unknown }).position);
  }
});

test('every YAML file of the fixtures reads the same both ways', () => {
  const root = resolve(import.meta.dirname, '..', 'fixtures');
  const files: string[] = [];
  const walk = (d: string): void => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.ya?ml$/.test(n)) files.push(p);
    }
  };
  walk(root);
  let fastCount = 0;
  for (const f of files) {
    const src = readFileSync(f, 'utf8');
    let r: { fast: YamlFile; lib: YamlFile };
    try {
      r = both(src);
    } catch {
      continue;
    }
    if (r.fast.engine === 'fast') fastCount++;
    assert.deepEqual(observe(r.fast), observe(r.lib), f);
  }
  assert.ok(fastCount > 20, `${fastCount} of ${files.length} files read fast`);
});

test('yes/no/on/off are booleans as in PyYAML, with either reader; y and n stay strings', () => {
  const src = 'a: yes\nb: No\nc: on\nd: OFF\ne: y\nf: n\ng: [yes, off]\n';
  const expected = { a: true, b: false, c: true, d: false, e: 'y', f: 'n', g: [true, false] };
  assert.deepEqual(new YamlFile('f.yml', src).value, expected);
  assert.deepEqual(new YamlFile('f.yml', src, undefined, 'lib').value, expected);
});
