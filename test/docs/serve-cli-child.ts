/** Child process for serve-cli.test.ts: `strata docs serve` through the CLI's entry point. */
import { main } from '../../src/cli/main.js';

const code = await main(['docs', 'serve', ...process.argv.slice(2)]);
process.stdout.write(`stopped${code ? ` (exit ${code})` : ''}\n`);
