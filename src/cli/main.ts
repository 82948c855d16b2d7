#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { registerAgent } from './agent.js';
import { registerCapture } from './capture.js';
import { registerCollect } from './collect.js';
import { registerConfig } from './config.js';
import { registerCopy } from './copy.js';
import { registerDb } from './db.js';
import { registerDemo } from './demo.js';
import { registerDeps } from './deps.js';
import { registerDiff } from './diff.js';
import { registerExporters } from './exporters.js';
import { EXIT_USAGE } from './exit.js';
import { registerExport } from './export.js';
import { registerIngest } from './ingest.js';
import { registerPlan } from './plan.js';
import { registerReport } from './report.js';
import { registerServe } from './serve.js';
import { registerTimeseries } from './timeseries.js';
import { registerTop } from './top.js';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

const program = new Command()
  .name('flowmap')
  .description('Discover network flows between hosts, store them, and answer who talks to whom, on what, how much.')
  .version(pkg.version)
  .option('-c, --config <file>', 'config file (default: $FLOWMAP_CONFIG, else ./flowmap.yaml if present)')
  .option('--db <store>', 'store: a DuckDB file path or duckdb:PATH, mariadb://user:pass@host/db, clickhouse://user:pass@host:8123/db[?cluster=NAME] (default: $FLOWMAP_DB, else flowmap.duckdb)')
  .option('--retention <age>', 'keep flows this long, e.g. 30d: writers delete older records (default: the config\'s retention, else keep all)')
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride();

registerDemo(program);
registerIngest(program);
registerCapture(program);
registerCollect(program);
registerTop(program);
registerTimeseries(program);
registerExport(program);
registerDeps(program);
registerPlan(program);
registerReport(program);
registerExporters(program);
registerServe(program);
registerConfig(program);
registerDb(program);
registerCopy(program);
registerDiff(program);
registerAgent(program);

try {
  await program.parseAsync(process.argv);
} catch (e) {
  // Commander has already printed its message (unknown option, missing argument, --help, --version).
  if (e instanceof CommanderError) process.exitCode = e.exitCode === 0 ? 0 : EXIT_USAGE;
  else throw e;
}
