/**
 * Headless Chromium for the docs page tests: Debian's `chromium` driven by playwright-core.
 * When the binary is missing, it is installed with apt-get if possible; otherwise the tests
 * are skipped with a loud message — except under CI, where they must run.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

/** Why the browser tests cannot run, or undefined when they can (installing Chromium if needed). */
export function chromiumMissing(): string | undefined {
  if (existsSync(CHROMIUM)) return undefined;
  try {
    execFileSync('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'], { stdio: 'ignore', timeout: 300_000 });
  } catch {
    // Not root or no network: fall through.
  }
  if (existsSync(CHROMIUM)) return undefined;
  const why = `${CHROMIUM} is missing and could not be installed (apt-get install -y chromium)`;
  if (process.env.CI) throw new Error(`${why}: the browser tests must run under CI`);
  process.stderr.write(`\n${'!'.repeat(78)}\n!! SKIPPING the docs browser tests: ${why}\n${'!'.repeat(78)}\n\n`);
  return why;
}

/** Launch headless Chromium as the project's tests do. */
export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-gpu', '--disable-dev-shm-usage'],
  });
}
