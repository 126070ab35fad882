/**
 * Node checksums as dbt-core computes them, so that `state:modified` compares a Strata parse with
 * a manifest dbt wrote: the sha256 of the file's text stripped of whitespace as Python's
 * str.strip() strips it, and a seed over 1 MiB by its path. The hashes are Python's hashlib.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { fileChecksum } from '../../src/parse/parser.js';
import type { ProjectFile } from '../../src/project/types.js';

const file = (contents: string, kind: ProjectFile['kind'] = 'model'): ProjectFile => ({
  kind,
  path: kind === 'seed' ? 'seeds/big.csv' : 'models/m.sql',
  absPath: '/p/models/m.sql',
  contents,
  hash: createHash('sha256').update(contents).digest('hex'),
});

test("a node's checksum is the sha256 of its file's stripped text, as dbt's", () => {
  const sums = ['\n\nselect 1 as id\n\n', 'select 1', '\ufeffselect 1\n', 'select 1\x85\x1f \u3000'].map((t) => fileChecksum(file(t)).checksum);
  assert.deepEqual(sums, [
    '3ea0f972fa1b56aa2dc2f56ee784b6a5796312f9a813d59ae70fd8855f10d16d',
    '822ae07d4783158bc1912bb623e5107cc9002d519e1143a9c200ed6ee18b6d0f',
    // Python's strip() keeps a byte-order mark, and strips \x85, \x1f and the ideographic space
    '0cf60669b81a3820c772264ca575b5809472826e332fdc9571f6cd918bd22627',
    '822ae07d4783158bc1912bb623e5107cc9002d519e1143a9c200ed6ee18b6d0f',
  ]);
  assert.deepEqual(fileChecksum(file('id,name\n1,a\n', 'seed')), { name: 'sha256', checksum: '8785bd65e2099267252e07a04b3ad2eb72f692775aae46d95ff6a49f0a864e4f' });
});

test('a seed over 1 MiB is checked by its path, as dbt does not hash it', () => {
  const big = 'id\n' + '1234567\n'.repeat(131_072);
  assert.deepEqual(fileChecksum(file(big, 'seed')), { name: 'path', checksum: 'seeds/big.csv' });
  assert.equal(fileChecksum(file(big, 'model')).name, 'sha256');
});
