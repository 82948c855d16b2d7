/** `flowmap copy --from DB --to DB [--since TIME]`: move flows between any two stores. */
import type { Command } from 'commander';
import { parseStoreSpec, redact } from '../store/spec.js';
import { UsageError } from '../util/errors.js';
import { parseTime } from '../util/time.js';
import { applyRetention, cliContext } from './context.js';
import { EXIT_FAILURE, EXIT_OK, action, say } from './exit.js';
import { stopOnSignals } from './signals.js';

interface CopyCliOptions {
  from: string;
  to: string;
  since?: string;
  batch: string;
  json?: boolean;
  quiet?: boolean;
}

export function registerCopy(program: Command): void {
  program
    .command('copy')
    .description('copy flows from one store to another (e.g. DuckDB -> ClickHouse): batched, resumable, incremental on later runs')
    .requiredOption('--from <store>', 'source store (path, duckdb:, mariadb://, clickhouse://)')
    .requiredOption('--to <store>', 'target store (created and migrated if needed)')
    .option('--since <time>', 'only records that started since (ISO 8601 or relative, e.g. 7d)')
    .option('--batch <n>', 'records per batch', '50000')
    .option('--json', 'print the result as JSON on stdout')
    .option('-q, --quiet', 'no progress lines on stderr')
    .action(
      action(async (opts: CopyCliOptions, cmd: Command) => {
        const ctx = await cliContext(cmd);
        const batchSize = Number(opts.batch);
        if (!Number.isSafeInteger(batchSize) || batchSize < 1) throw new UsageError(`--batch: expected a whole number >= 1, got ${JSON.stringify(opts.batch)}`);
        const from = parseStoreSpec(opts.from);
        const to = parseStoreSpec(opts.to);
        if (JSON.stringify(from) === JSON.stringify(to)) throw new UsageError('--from and --to name the same store');
        const sinceMs = opts.since === undefined ? undefined : parseTime(opts.since, Date.now(), '--since');
        const [{ openParsed }, { copyFlows }] = await Promise.all([import('../store/open.js'), import('../store/copy.js')]);
        const source = await openParsed(from, { readOnly: true });
        const abort = new AbortController();
        const release = stopOnSignals(() => abort.abort());
        try {
          const target = await openParsed(to);
          try {
            const started = Date.now();
            const r = await copyFlows(source, target, {
              sinceMs,
              batchSize,
              markKey: `copy:${redact(opts.from.trim())}`,
              signal: abort.signal,
              onBatch: opts.quiet ? undefined : (p) => say(`copied ${p.records} records (up to ${new Date(p.positionMs).toISOString()})`),
            });
            await applyRetention(ctx, target);
            const secs = (Date.now() - started) / 1000;
            if (!opts.quiet) {
              const resumed = r.resumedFromMs === null ? '' : ` (resumed from ${new Date(r.resumedFromMs).toISOString()})`;
              say(`${r.done ? 'done' : 'interrupted'}: ${r.records} records in ${r.batches} batches, ${secs.toFixed(1)} s${resumed}`);
            }
            if (opts.json) process.stdout.write(JSON.stringify({ ...r, seconds: secs }, null, 2) + '\n');
            return r.done ? EXIT_OK : EXIT_FAILURE;
          } finally {
            await target.close();
          }
        } finally {
          release();
          await source.close();
        }
      }),
    );
}
