import { Option, type Command } from 'commander';
import type { CriticalHost } from '../analysis/critical.js';
import type { DepsHost } from '../analysis/deps.js';
import { parseDepth, parseDirection } from '../analysis/options.js';
import { FORMATS, type ExportFormat } from '../export/formats.js';
import type { RawFilter } from '../filter/parse.js';
import type { Column } from '../query/format.js';
import { UsageError } from '../util/errors.js';
import { analysisBase } from './analysis-input.js';
import { cliContext, withStore } from './context.js';
import { action, say } from './exit.js';
import { addFilterOptions, filterFromOptions } from './filter-options.js';
import { checkMapOutput, writeMap } from './map-output.js';

interface DepsOptions extends RawFilter {
  direction?: string;
  depth?: string;
  critical?: boolean;
  json?: boolean;
  csv?: boolean;
  format?: ExportFormat;
  output?: string;
}

const HOST_COLUMNS: Column<DepsHost>[] = [{ key: 'distance', kind: 'number' }, { key: 'address' }, { key: 'name' }, { key: 'group' }, { key: 'relation' }];
type CriticalRow = Omit<CriticalHost, 'services'> & { services: string };
const CRITICAL_COLUMNS: Column<CriticalRow>[] = [
  { key: 'address' }, { key: 'name' }, { key: 'group' }, { key: 'dependents_total', header: 'dependents', kind: 'number' },
  { key: 'dependents_direct', header: 'direct', kind: 'number' }, { key: 'bytes', kind: 'bytes' }, { key: 'services' },
];

export function registerDeps(program: Command): void {
  const cmd = program
    .command('deps')
    .argument('[target]', 'an address, a CIDR, a host name known to flowmap (wildcards * ?), or a config group')
    .description('what a host depends on (down), what depends on it (up: its blast radius); --critical ranks hosts by blast radius')
    .addOption(new Option('--direction <way>', 'down: what TARGET depends on; up: what depends on TARGET; both').choices(['down', 'up', 'both']).default('down'))
    .option('--depth <n>', 'hops to follow (default: all)')
    .option('--critical', 'rank hosts by how many hosts depend on them, directly and transitively (--limit N rows)')
    .option('--json', 'JSON on stdout')
    .option('--csv', 'CSV on stdout (spreadsheet-safe)')
    .addOption(new Option('-f, --format <format>', 'draw the sub-map in this export format instead').choices([...FORMATS]))
    .option('-o, --output <file>', 'write the map here (with -f)');
  addFilterOptions(cmd).action(
    action(async (target: string | undefined, opts: DepsOptions, c: Command) => {
      if ([opts.json, opts.csv, opts.format].filter(Boolean).length > 1) throw new UsageError('--json, --csv and -f: choose one');
      if (opts.critical && target !== undefined) throw new UsageError('deps --critical ranks every host: drop TARGET');
      if (!opts.critical && target === undefined) throw new UsageError('deps: name a TARGET (address, CIDR, host name or config group), or use --critical');
      if (!opts.critical && c.getOptionValueSource('limit') === 'cli') throw new UsageError('deps: --limit applies to --critical; use --depth to bound the answer');
      if (opts.critical && opts.format) throw new UsageError('deps --critical is a ranking: -f draws the map of one TARGET');
      checkMapOutput(opts.format, opts.output);
      const direction = parseDirection(opts.direction);
      const depth = parseDepth(opts.depth);
      const filter = filterFromOptions(opts);
      const [{ runCritical, runDeps }, { depsGraph }, { formatCsv, formatJson, formatTable }] = await Promise.all([
        import('../analysis/run.js'),
        import('../analysis/maps.js'),
        import('../query/format.js'),
      ]);
      const ctx = await cliContext(c);
      const base = analysisBase(ctx);
      const tty = process.stdout.isTTY === true;
      if (opts.critical) {
        const rows = await withStore(ctx, (store) => runCritical({ ...base, store, filter }, filter.limit), { readOnly: true });
        const flat = rows.map((r) => ({ ...r, services: r.services.join(', ') }));
        if (opts.json) process.stdout.write(formatJson(rows));
        else if (opts.csv) process.stdout.write(formatCsv(flat, CRITICAL_COLUMNS));
        else process.stdout.write(formatTable(flat, CRITICAL_COLUMNS, { tty }));
        return;
      }
      const { scope, result } = await withStore(ctx, (store) => runDeps({ ...base, store, filter }, { target: target as string, direction, depth }), { readOnly: true });
      if (opts.format) return writeMap(opts.format, depsGraph(scope, result, base.groups), opts.output, `deps ${result.target}`);
      if (opts.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      else if (opts.csv) process.stdout.write(formatCsv(result.hosts, HOST_COLUMNS));
      else process.stdout.write(formatTable(result.hosts, direction === 'both' ? HOST_COLUMNS : HOST_COLUMNS.slice(0, 4), { tty }));
      const targets = result.targets.length === 1 ? result.target : `${result.target} (${result.targets.length} hosts)`;
      say(`deps ${targets} ${direction}${depth === null ? '' : ` --depth ${depth}`}: ${result.hosts.length} hosts, ${result.edges.length} dependencies`);
    }),
  );
}
