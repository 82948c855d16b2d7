import { Option, type Command } from 'commander';
import type { RawFilter } from '../filter/parse.js';
import type { Column, Row } from '../query/format.js';
import type { TopKind } from '../store/store.js';
import { UsageError } from '../util/errors.js';
import { cliContext, withStore } from './context.js';
import { action } from './exit.js';
import { addFilterOptions, filterFromOptions } from './filter-options.js';
import type { FlowFilter } from '../filter/filter.js';
import type { TopPerKind, TopPerRow } from '../store/store.js';
import { parseDuration } from '../util/duration.js';

const PER_COLUMNS: Record<TopPerKind, Column<TopPerRow>[]> = {
  interfaces: [{ key: 't' }, { key: 'rank', kind: 'number' }, { key: 'exporter' }, { key: 'if_index', kind: 'number' }, { key: 'if_name' }, { key: 'bytes_c2s', header: 'bytes_in', kind: 'bytes' }, { key: 'bytes_s2c', header: 'bytes_out', kind: 'bytes' }, { key: 'bytes', kind: 'bytes' }, { key: 'packets', kind: 'number' }],
  edges: [{ key: 't' }, { key: 'rank', kind: 'number' }, { key: 'client' }, { key: 'server' }, { key: 'port', kind: 'number' }, { key: 'proto' }, { key: 'service' }, { key: 'bytes_c2s', kind: 'bytes' }, { key: 'bytes_s2c', kind: 'bytes' }, { key: 'bytes', kind: 'bytes' }, { key: 'packets', kind: 'number' }],
  talkers: [{ key: 't' }, { key: 'rank', kind: 'number' }, { key: 'host' }, { key: 'bytes_c2s', header: 'bytes_sent', kind: 'bytes' }, { key: 'bytes_s2c', header: 'bytes_received', kind: 'bytes' }, { key: 'bytes', kind: 'bytes' }, { key: 'packets', kind: 'number' }],
  services: [{ key: 't' }, { key: 'rank', kind: 'number' }, { key: 'port', kind: 'number' }, { key: 'proto' }, { key: 'service' }, { key: 'bytes_c2s', kind: 'bytes' }, { key: 'bytes_s2c', kind: 'bytes' }, { key: 'bytes', kind: 'bytes' }, { key: 'packets', kind: 'number' }],
};

/** `top --per WIDTH`: the top N of every interval (edges, talkers, services). */
async function topPerCommand(opts: TopOptions, filter: FlowFilter, c: Command): Promise<void> {
  if (opts.by === 'flows' || opts.by === 'processes') throw new UsageError(`--per ranks edges, talkers, services or interfaces in each interval, not ${opts.by === 'flows' ? 'single flows' : 'processes'}`);
  const bucketMs = parseDuration(opts.per as string, '--per');
  const [{ checkBucketWidth }, { topPer }, { formatCsv, formatJson, formatTable }] = await Promise.all([import('../analysis/buckets.js'), import('../analysis/top-per.js'), import('../query/format.js')]);
  checkBucketWidth(bucketMs, '--per');
  const ctx = await cliContext(c);
  const { interfaceNamer } = await import('../config/interfaces.js');
  const kind = opts.by as TopPerKind;
  const rows = await withStore(ctx, (store) => topPer(store, kind, filter, bucketMs, ctx.services, interfaceNamer(ctx.config)), { readOnly: true });
  const columns = PER_COLUMNS[kind];
  if (opts.json) process.stdout.write(formatJson(rows));
  else if (opts.csv) process.stdout.write(formatCsv(rows, columns));
  else process.stdout.write(formatTable(rows, columns, { tty: process.stdout.isTTY === true }));
}

interface TopOptions extends RawFilter {
  by: TopKind | 'processes';
  per?: string;
  json?: boolean;
  csv?: boolean;
}

export function registerTop(program: Command): void {
  const cmd = program
    .command('top')
    .description('who talks to whom, on what, how much: the top rows by total bytes')
    .addOption(
      new Option('--by <kind>', 'edges (client -> server per service), talkers (hosts), services, flows (conversations), interfaces (of flow exporters: bytes in and out), processes (programs behind the traffic, from flowmap agent)')
        .choices(['edges', 'talkers', 'services', 'flows', 'interfaces', 'processes'])
        .default('edges'),
    )
    .option('--per <width>', 'the top N of every interval of this width (1s to 1d, UTC-aligned), e.g. 5m: who was loudest when')
    .option('--json', 'JSON array on stdout')
    .option('--csv', 'CSV on stdout (spreadsheet-safe)');
  addFilterOptions(cmd).action(
    action(async (opts: TopOptions, c: Command) => {
      if (opts.json && opts.csv) throw new UsageError('--json and --csv: choose one');
      const filter = filterFromOptions(opts);
      if (opts.per !== undefined) return topPerCommand(opts, filter, c);
      const [{ PROCESS_COLUMNS, TOP_COLUMNS, formatCsv, formatJson, formatTable }, { runTop, runTopProcesses }, { interfaceNamer }] = await Promise.all([
        import('../query/format.js'),
        import('../query/top.js'),
        import('../config/interfaces.js'),
      ]);
      const ctx = await cliContext(c);
      const by = opts.by;
      const rows = await withStore(
        ctx,
        async (store): Promise<readonly Row[]> => (by === 'processes' ? runTopProcesses(store, filter, ctx.services) : runTop(store, by, filter, ctx.services, interfaceNamer(ctx.config))),
        { readOnly: true },
      );
      const columns = (by === 'processes' ? PROCESS_COLUMNS : TOP_COLUMNS[by]) as Column<Row>[];
      if (opts.json) process.stdout.write(formatJson(rows));
      else if (opts.csv) process.stdout.write(formatCsv(rows, columns));
      else process.stdout.write(formatTable(rows, columns, { tty: process.stdout.isTTY === true }));
    }),
  );
}
