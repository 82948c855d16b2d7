import type { Command } from 'commander';
import { EXAMPLE_CONFIG } from '../config/example.js';
import { formatCsv, formatJson, formatTable } from '../query/format.js';
import { cliContext } from './context.js';
import { action } from './exit.js';
import { protoName } from '../util/protocols.js';

/** `flowmap config example|check` and `flowmap services`: what users set once, and what it gives. */
export function registerConfig(program: Command): void {
  const config = program.command('config').description('the config file: print a documented example, or check one');
  config
    .command('example')
    .description('print a documented example config (save it as flowmap.yaml)')
    .action(() => {
      process.stdout.write(EXAMPLE_CONFIG);
    });
  config
    .command('check')
    .description('validate the config in force (--config, $FLOWMAP_CONFIG or ./flowmap.yaml) and print it resolved')
    .action(
      action(async (_opts: unknown, cmd: Command) => {
        const ctx = await cliContext(cmd);
        process.stderr.write(ctx.config.path ? `flowmap: ${ctx.config.path} is valid\n` : 'flowmap: no config file found: using the defaults\n');
        process.stdout.write(formatJson([{ ...ctx.config, db: ctx.dbSpec }]));
      }),
    );

  program
    .command('services')
    .description('list the port -> service names in force (built-in plus config overrides)')
    .option('--json', 'JSON array on stdout')
    .option('--csv', 'CSV on stdout')
    .action(
      action(async (opts: { json?: boolean; csv?: boolean }, cmd: Command) => {
        const ctx = await cliContext(cmd);
        const rows = ctx.services.entries().map((e) => ({ port: e.port, proto: protoName(e.proto), service: e.name }));
        const columns = [{ key: 'port' as const, kind: 'number' as const }, { key: 'proto' as const }, { key: 'service' as const }];
        if (opts.json) process.stdout.write(formatJson(rows));
        else if (opts.csv) process.stdout.write(formatCsv(rows, columns));
        else process.stdout.write(formatTable(rows, columns, { tty: process.stdout.isTTY === true }));
      }),
    );
}
