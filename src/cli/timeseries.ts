import { Option, type Command } from 'commander';
import { parseBucket } from '../analysis/options.js';
import type { SeriesBy, TimeseriesRow } from '../analysis/types.js';
import type { RawFilter } from '../filter/parse.js';
import { UsageError } from '../util/errors.js';
import { cliContext, withStore } from './context.js';
import { action } from './exit.js';
import { addFilterOptions, filterFromOptions } from './filter-options.js';

interface TimeseriesOptions extends RawFilter {
  by: SeriesBy;
  bucket?: string;
  json?: boolean;
  csv?: boolean;
}

export function registerTimeseries(program: Command): void {
  const cmd = program
    .command('timeseries')
    .description('traffic over time of the top N edges, talkers or services (or all traffic): peak, p95 and average rates per key')
    .addOption(new Option('--by <kind>', 'edges, talkers, services, interfaces (of flow exporters), or total (all traffic that passes the filters)').choices(['edges', 'talkers', 'services', 'interfaces', 'total']).default('edges'))
    .option('--bucket <width>', 'bucket width, 1s to 1d, aligned to UTC multiples (default: the narrowest of 1s, 10s, 1m, 5m, 15m, 1h, 6h, 1d giving at most 500 buckets)')
    .option('--json', 'JSON on stdout: per key its statistics and every bucket')
    .option('--csv', 'CSV on stdout: one line per key and bucket (spreadsheet-safe)');
  addFilterOptions(cmd).action(
    action(async (opts: TimeseriesOptions, c: Command) => {
      if (opts.json && opts.csv) throw new UsageError('--json and --csv: choose one');
      const bucketMs = parseBucket(opts.bucket);
      const filter = filterFromOptions(opts);
      const [{ timeseries }, { formatSeriesCsv, formatSeriesTable }, { interfaceNamer }] = await Promise.all([import('../analysis/timeseries.js'), import('./timeseries-text.js'), import('../config/interfaces.js')]);
      const ctx = await cliContext(c);
      const rows: TimeseriesRow[] = await withStore(ctx, (store) => timeseries(store, opts.by, filter, bucketMs, ctx.services, interfaceNamer(ctx.config)), { readOnly: true });
      if (rows.length === 0) process.stderr.write('flowmap: no flows match: the series is empty\n');
      if (opts.json) process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
      else if (opts.csv) process.stdout.write(formatSeriesCsv(rows));
      else process.stdout.write(formatSeriesTable(rows, process.stdout.isTTY === true));
    }),
  );
}
