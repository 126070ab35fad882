/** `strata docs generate` and `strata docs serve`. */
import { Command, Option } from 'commander';
import { dirname, join, relative } from 'node:path';
import { Reporter } from '../report/reporter.js';
import type { CommonOptions } from '../api.js';
import { StrataError } from '../errors.js';
import { envValue } from './env.js';

interface GenerateFlags {
  compile?: boolean;
  emptyCatalog?: boolean;
  static?: boolean;
}

/** What the main program lends: its global flags, and how they become a reporter and options. */
export interface CommandKit<F> {
  common(cmd: Command): Command;
  reporter(f: F): Reporter;
  options(f: F, reporter: Reporter): CommonOptions;
}

interface ServeFlags {
  projectDir?: string;
  port: number;
  host: string;
  color?: boolean;
}

function port(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new StrataError('usage', `--port '${v}' is not a port number`, { hint: 'a whole number from 0 to 65535, e.g. --port 8080' });
  return n;
}

/** Register `docs generate` and `docs serve` on the program. */
export function docsCommand<F extends object>(program: Command, kit: CommandKit<F>): void {
  const docs = program.command('docs').description('generate and serve the project documentation');

  kit
    .common(docs.command('generate').description('write target/catalog.json and the documentation site in target/'))
    .option('--no-compile', 'do not compile the nodes (the page shows raw SQL only)')
    .option('--empty-catalog', 'do not query the warehouse; write an empty catalog')
    .option('--static', 'also write static_index.html: the site as one file, to send or publish alone')
    .action(async (f: F & GenerateFlags) => {
      const reporter = kit.reporter(f);
      const { generateDocs } = await import('../docs/generate-docs.js');
      const t0 = performance.now();
      const r = await generateDocs({ ...kit.options(f, reporter), compile: f.compile, emptyCatalog: f.emptyCatalog, static: f.static });
      const shown = (p: string) => relative(process.cwd(), p) || p;
      reporter.info(`Catalog written to ${shown(r.catalogPath)}`);
      reporter.info(`Documentation site written to ${shown(r.sitePath)} in ${((performance.now() - t0) / 1000).toFixed(2)}s`);
      if (f.static) reporter.info(`The site as one file: ${shown(join(dirname(r.sitePath), 'static_index.html'))}`);
    });

  docs
    .command('serve')
    .description('serve the generated documentation site on 127.0.0.1')
    .option('--project-dir <dir>', 'the folder holding dbt_project.yml (default: the current folder)')
    .option('--profiles-dir <dir>', 'accepted for dbt compatibility; not used')
    .option('--port <port>', 'the port to listen on', port, 8080)
    .option('--host <host>', 'the address to listen on (0.0.0.0 exposes the docs to the network)', '127.0.0.1')
    .option('--browser', 'accepted for dbt compatibility; Strata never opens a browser')
    .option('--no-browser', 'accepted for dbt compatibility')
    .option('--no-color', 'no colour in the output')
    .action(async (f: ServeFlags) => {
      const reporter = new Reporter({ format: 'text', color: f.color !== false });
      const { serveDocs } = await import('../docs/serve-docs.js');
      const server = await serveDocs({ projectDir: f.projectDir ?? envValue('PROJECT_DIR'), port: f.port, host: f.host });
      reporter.info(`Serving the documentation at ${server.url} (Ctrl-C to stop)`);
      if (f.host !== '127.0.0.1' && f.host !== 'localhost' && f.host !== '::1') reporter.warn(`Listening on ${f.host}: other machines may read the documentation.`);
      await new Promise<void>((done) => {
        const stop = () => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          void server.close().then(done);
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
    });
}
