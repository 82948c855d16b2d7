import { Option, type Command } from 'commander';
import type { RawFilter } from '../filter/parse.js';
import type { Column, Row } from '../query/format.js';
import type { TopKind } from '../store/store.js';
import { UsageError } from '../util/errors.js';
import { cliContext, withStore } from './context.js';
import { action } from './exit.js';
import { addFilterOptions, filterFromOptions } from './filter-options.js';

interface TopOptions extends RawFilter {
  by: TopKind;
  json?: boolean;
  csv?: boolean;
}

export function registerTop(program: Command): void {
  const cmd = program
    .command('top')
    .description('who talks to whom, on what, how much: the top rows by total bytes')
    .addOption(
      new Option('--by <kind>', 'edges (client -> server per service), talkers (hosts), services, flows (conversations), interfaces (of flow exporters: bytes in and out)')
        .choices(['edges', 'talkers', 'services', 'flows', 'interfaces'])
        .default('edges'),
    )
    .option('--json', 'JSON array on stdout')
    .option('--csv', 'CSV on stdout (spreadsheet-safe)');
  addFilterOptions(cmd).action(
    action(async (opts: TopOptions, c: Command) => {
      if (opts.json && opts.csv) throw new UsageError('--json and --csv: choose one');
      const filter = filterFromOptions(opts);
      const [{ TOP_COLUMNS, formatCsv, formatJson, formatTable }, { runTop }, { interfaceNamer }] = await Promise.all([
        import('../query/format.js'),
        import('../query/top.js'),
        import('../config/interfaces.js'),
      ]);
      const ctx = await cliContext(c);
      const rows = await withStore(ctx, (store) => runTop(store, opts.by, filter, ctx.services, interfaceNamer(ctx.config)), { readOnly: true });
      const columns = TOP_COLUMNS[opts.by] as Column<Row>[];
      if (opts.json) process.stdout.write(formatJson(rows));
      else if (opts.csv) process.stdout.write(formatCsv(rows, columns));
      else process.stdout.write(formatTable(rows, columns, { tty: process.stdout.isTTY === true }));
    }),
  );
}
