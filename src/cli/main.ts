#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { EXIT_USAGE } from './exit.js';

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

/**
 * Every command, in `flowmap --help` order, by the module that registers it. Only the command being
 * run is loaded when the command line names one (all of them load 0.16 s of modules, `ingest` alone
 * 0.03 s); help, a missing or an unknown command load them all.
 */
const COMMANDS: Record<string, () => Promise<(program: Command) => void>> = {
  demo: async () => (await import('./demo.js')).registerDemo,
  ingest: async () => (await import('./ingest.js')).registerIngest,
  capture: async () => (await import('./capture.js')).registerCapture,
  collect: async () => (await import('./collect.js')).registerCollect,
  top: async () => (await import('./top.js')).registerTop,
  timeseries: async () => (await import('./timeseries.js')).registerTimeseries,
  export: async () => (await import('./export.js')).registerExport,
  deps: async () => (await import('./deps.js')).registerDeps,
  plan: async () => (await import('./plan.js')).registerPlan,
  report: async () => (await import('./report.js')).registerReport,
  exporters: async () => (await import('./exporters.js')).registerExporters,
  serve: async () => (await import('./serve.js')).registerServe,
  config: async () => (await import('./config.js')).registerConfig,
  db: async () => (await import('./db.js')).registerDb,
  copy: async () => (await import('./copy.js')).registerCopy,
  diff: async () => (await import('./diff.js')).registerDiff,
  agent: async () => (await import('./agent.js')).registerAgent,
};

/** The global options that take a value (-c, --config, --db, --retention), from their declarations above. */
const VALUED = new Set(program.options.filter((o) => o.required || o.optional).flatMap((o) => [o.short, o.long].filter((f): f is string => f !== undefined)));

/** The command the arguments name (after the global options), or undefined. */
function commandNamed(args: readonly string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (VALUED.has(a)) i++;
    else if (a.startsWith('-')) {
      // --db=PATH and the like carry their value; anything else (help, version) wants every command.
      if (!VALUED.has(a.split('=')[0])) return undefined;
    } else return Object.hasOwn(COMMANDS, a) ? a : undefined;
  }
  return undefined;
}

const named = commandNamed(process.argv.slice(2));
const registers = await Promise.all((named ? [named] : Object.keys(COMMANDS)).map((name) => COMMANDS[name]()));
for (const register of registers) register(program);

try {
  await program.parseAsync(process.argv);
} catch (e) {
  // Commander has already printed its message (unknown option, missing argument, --help, --version).
  if (e instanceof CommanderError) process.exitCode = e.exitCode === 0 ? 0 : EXIT_USAGE;
  else throw e;
}
