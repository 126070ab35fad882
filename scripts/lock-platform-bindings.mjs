// Adds DuckDB's prebuilt bindings for every platform to package-lock.json.
// The registry mirror this project is developed behind serves only the linux-x64
// bindings, so `npm install` leaves the others out of the lock file, and `npm ci` then
// refuses the lock file as out of sync. The entries added here are optional and
// platform-bound: npm installs only the one that matches the machine.
// Run after `npm install` changes the lock file: `node scripts/lock-platform-bindings.mjs`.
import { readFileSync, writeFileSync } from 'node:fs';

const file = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(file, 'utf8'));
const bindings = lock.packages['node_modules/@duckdb/node-bindings'];
const platforms = {
  'darwin-arm64': { os: ['darwin'], cpu: ['arm64'] },
  'darwin-x64': { os: ['darwin'], cpu: ['x64'] },
  'linux-arm64': { os: ['linux'], cpu: ['arm64'], libc: ['glibc'] },
  'linux-arm64-musl': { os: ['linux'], cpu: ['arm64'], libc: ['musl'] },
  'linux-x64': { os: ['linux'], cpu: ['x64'], libc: ['glibc'] },
  'linux-x64-musl': { os: ['linux'], cpu: ['x64'], libc: ['musl'] },
  'win32-arm64': { os: ['win32'], cpu: ['arm64'] },
  'win32-x64': { os: ['win32'], cpu: ['x64'] },
};
let added = 0;
for (const [name, where] of Object.entries(platforms)) {
  const key = `node_modules/@duckdb/node-bindings-${name}`;
  if (lock.packages[key]) continue;
  lock.packages[key] = { version: bindings.version, license: 'MIT', optional: true, ...where };
  added++;
}
lock.packages = Object.fromEntries(Object.entries(lock.packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : a > b ? 1 : 0)));
writeFileSync(file, JSON.stringify(lock, null, 2) + '\n');
console.log(`lock-platform-bindings: added ${added} platform entr${added === 1 ? 'y' : 'ies'}`);
