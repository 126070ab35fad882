/** Child process for serve-cli.test.ts: `strata docs serve` as registered by docsCommand. */
import { Command } from 'commander';
import { docsCommand } from '../../src/cli/docs.js';

const program = new Command('strata').exitOverride();
docsCommand(program);
await program.parseAsync(['docs', 'serve', ...process.argv.slice(2)], { from: 'user' });
process.stdout.write('stopped\n');
