/**
 * A model's `deprecation_date` in manifest.json, as dbt-core 1.10 writes it: the isoformat of an
 * aware datetime, a given offset kept, a date or a time without one read in the machine's zone.
 * The expected values are dbt's for the same YAML with TZ=America/New_York.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';

process.env.TZ = 'America/New_York';
const { deprecationDate } = await import('../../src/parse/model-versions.js');

test("deprecation_date is dbt's isoformat, in the machine's zone when the YAML gives none", () => {
  assert.deepEqual(
    ['2099-01-01', '2099-06-01 10:00:00+02:00', '2099-06-01T10:00:00Z', '2099-06-01 10:00', '2099-06-01 10:00:00.5-03:30', '2099-06-01 10:00:00'].map(deprecationDate),
    ['2099-01-01T00:00:00-05:00', '2099-06-01T10:00:00+02:00', '2099-06-01T10:00:00+00:00', '2099-06-01T10:00:00-04:00', '2099-06-01T10:00:00.500000-03:30', '2099-06-01T10:00:00-04:00'],
  );
  assert.equal(deprecationDate(new Date(Date.UTC(2099, 0, 1))), '2099-01-01T00:00:00+00:00', 'a YAML timestamp is its instant');
  assert.equal(deprecationDate(''), null);
  assert.equal(deprecationDate('soon'), 'soon', 'what is not a date is kept as written');
});
