/** Run the CLI from source (development): `node --import tsx src/cli/run-cli.ts …`. */
import { main } from './main.js';

process.exitCode = await main(process.argv.slice(2));
