import { Option, type Command } from 'commander';
import { parseBucket, parseConstraints, parseMaxHosts, parseShared, parseWaves } from '../analysis/options.js';
import { FORMATS, type ExportFormat } from '../export/formats.js';
import type { RawFilter } from '../filter/parse.js';
import { UsageError } from '../util/errors.js';
import { analysisBase } from './analysis-input.js';
import { cliContext, withStore } from './context.js';
import { action, say } from './exit.js';
import { addFilterOptions, filterFromOptions } from './filter-options.js';
import { checkMapOutput, writeMap } from './map-output.js';

interface PlanCliOptions extends RawFilter {
  waves?: string;
  maxHosts?: string;
  pin?: string[];
  together?: string[];
  apart?: string[];
  shared?: string;
  bucket?: string;
  json?: boolean;
  format?: ExportFormat;
  output?: string;
}

const collect = (value: string, previous: string[] = []) => previous.concat(value);

export function registerPlan(program: Command): void {
  const cmd = program
    .command('plan')
    .description('cut the hosts into migration waves so the least traffic and fewest dependencies cross between them')
    .requiredOption('--waves <n>', 'number of waves (move groups)')
    .option('--max-hosts <k>', 'no wave holds more than K hosts (default: a quarter over an even share, at least the largest application)')
    .addOption(new Option('--pin <host=wave>', 'HOST goes in wave W, e.g. 10.0.0.5=1 (repeatable)').argParser(collect))
    .addOption(new Option('--together <a,b,...>', 'these hosts move in the same wave (repeatable)').argParser(collect))
    .addOption(new Option('--apart <a,b>', 'these two hosts move in different waves (repeatable)').argParser(collect))
    .option('--shared <mode>', 'shared services (DNS, NTP, LDAP, monitoring, backup) kept out of the waves: auto, none, or HOST,HOST,...', 'auto')
    .option('--bucket <width>', 'bucket of the p95 rates of cross-wave dependencies, 1s to 1d (default 5m, wider for long windows)')
    .option('--json', 'JSON on stdout')
    .addOption(new Option('-f, --format <format>', 'draw the map with one container per wave instead').choices([...FORMATS]))
    .option('-o, --output <file>', 'write the map here (with -f)');
  addFilterOptions(cmd).action(
    action(async (opts: PlanCliOptions, c: Command) => {
      if (opts.json && opts.format) throw new UsageError('--json and -f: choose one');
      if (c.getOptionValueSource('limit') === 'cli') throw new UsageError('plan: --limit does not apply; every host in scope is planned (narrow it with --subnet, --exclude, --min-bytes)');
      checkMapOutput(opts.format, opts.output);
      const waves = parseWaves(opts.waves);
      const query = {
        waves,
        maxHosts: parseMaxHosts(opts.maxHosts),
        constraints: parseConstraints(waves, opts),
        shared: parseShared(opts.shared),
        bucketMs: parseBucket(opts.bucket),
      };
      const filter = filterFromOptions(opts);
      const [{ runPlan }, { planGraph }, { formatPlanText }] = await Promise.all([import('../analysis/run.js'), import('../analysis/maps.js'), import('./plan-text.js')]);
      const ctx = await cliContext(c);
      const base = analysisBase(ctx);
      const { scope, result } = await withStore(ctx, (store) => runPlan({ ...base, store, filter }, query), { readOnly: true });
      if (opts.format) return writeMap(opts.format, planGraph(scope, result, base.groups), opts.output, `plan --waves ${waves}`, 'clusters');
      if (opts.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      else process.stdout.write(formatPlanText(result, process.stdout.isTTY === true));
      const saved = result.baseline.cut.bytes > 0 ? ` (${(100 * (1 - result.cut.bytes / result.baseline.cut.bytes)).toFixed(1)} % less than the baseline)` : '';
      say(`plan: ${waves} waves, ${scope.hosts.size - result.shared.length} hosts, ${result.shared.length} shared; ${result.cut.dependencies} dependencies and ${result.cut.bytes} bytes cross between waves${saved}`);
    }),
  );
}
