import type { Command } from 'commander';
import type { Column } from '../query/format.js';
import type { ExporterHealthRow } from '../store/store.js';
import { UsageError } from '../util/errors.js';
import { cliContext, withStore } from './context.js';
import { action } from './exit.js';

interface ExportersOptions {
  json?: boolean;
  csv?: boolean;
}

/** A table row: error reasons as text (`truncated header 2; ...`). */
type HealthTableRow = Omit<ExporterHealthRow, 'error_reasons'> & { error_reasons: string };

const COLUMNS: Column<HealthTableRow>[] = [
  { key: 'exporter' }, { key: 'domain', kind: 'number' }, { key: 'protocol' }, { key: 'datagrams', kind: 'number' },
  { key: 'records', kind: 'number' }, { key: 'sequence_gaps', kind: 'number' }, { key: 'template_misses', kind: 'number' },
  { key: 'errors', kind: 'number' }, { key: 'sampling_rate', kind: 'number' }, { key: 'kernel_drops', kind: 'number' },
  { key: 'last_seen' }, { key: 'error_reasons' },
];

export function registerExporters(program: Command): void {
  program
    .command('exporters')
    .description('health of the flow exporters seen by collect / ingest --exports: datagrams, records, lost datagrams, template misses, errors, sampling')
    .option('--json', 'JSON array on stdout')
    .option('--csv', 'CSV on stdout (spreadsheet-safe)')
    .addHelpText(
      'after',
      '\nsequence_gaps: datagrams (v5, sFlow) or export packets (v9, IPFIX) lost on the way, by the\n' +
        'sequence numbers; template_misses: data records dropped because their template never came;\n' +
        'kernel_drops: datagrams the collector host dropped (receive buffer full) on the socket the\n' +
        'exporter sends to; sampling_rate: 1 unsampled, 0 not stated (see `exporters` in the config).',
    )
    .action(
      action(async (opts: ExportersOptions, cmd: Command) => {
        if (opts.json && opts.csv) throw new UsageError('--json and --csv: choose one');
        const ctx = await cliContext(cmd);
        const rows = await withStore(ctx, (store) => store.exporterHealth(), { readOnly: true });
        const { formatCsv, formatJson, formatTable } = await import('../query/format.js');
        if (opts.json) {
          process.stdout.write(formatJson(rows));
          return;
        }
        const table: HealthTableRow[] = rows.map((r) => ({
          ...r,
          error_reasons: Object.entries(r.error_reasons)
            .map(([k, v]) => `${k} ${v}`)
            .join('; '),
        }));
        if (opts.csv) process.stdout.write(formatCsv(table, COLUMNS));
        else if (table.length === 0) process.stderr.write('flowmap: no exporter seen yet (flowmap collect, or flowmap ingest --exports FILE)\n');
        else process.stdout.write(formatTable(table, COLUMNS, { tty: process.stdout.isTTY === true }));
      }),
    );
}
