/**
 * Writes a generated Profiles Sync landing schema into a DuckDB file for the dbt harness:
 *   node --import tsx test/harness/dbt/generate-profiles-sync.ts <db> <schema> <people> <days> <seed> [events]
 * Prints the generator's summary as JSON.
 */
import { generateProfilesSync } from '../../../src/generate/profiles-sync.js';

const [db, schema, people, days, seed, events] = process.argv.slice(2);
if (!db || !schema || !people || !days || !seed) {
  console.error('usage: generate-profiles-sync.ts <db> <schema> <people> <days> <seed> [events|noevents]');
  process.exit(2);
}
const summary = await generateProfilesSync({
  people: Number(people),
  days: Number(days),
  seed: Number(seed),
  output: { kind: 'duckdb', path: db, schema },
  events: events !== 'noevents',
});
console.log(JSON.stringify(summary));
