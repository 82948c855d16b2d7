import { Option, type Command } from 'commander';
import { FORMATS, type ExportFormat } from '../export/formats.js';
import type { RawFilter } from '../filter/parse.js';
import { UsageError } from '../util/errors.js';
import { analysisBase } from './analysis-input.js';
import { cliContext, withStore } from './context.js';
import { action, say } from './exit.js';
import { addFilterOptions, filterFromOptions } from './filter-options.js';
import { checkMapOutput, writeMap } from './map-output.js';
import { addPlanOptions, planQueryFromOptions, type PlanCliOptions } from './plan-options.js';

interface PlanCommandOptions extends RawFilter, PlanCliOptions {
  json?: boolean;
  format?: ExportFormat;
  output?: string;
}

export function registerPlan(program: Command): void {
  const cmd = addPlanOptions(
    program.command('plan').description('cut the hosts into migration waves so the least traffic and fewest dependencies cross between them'),
    true,
  )
    .option('--json', 'JSON on stdout')
    .addOption(new Option('-f, --format <format>', 'draw the map with one container per wave instead').choices([...FORMATS]))
    .option('-o, --output <file>', 'write the map here (with -f)');
  addFilterOptions(cmd).action(
    action(async (opts: PlanCommandOptions, c: Command) => {
      if (opts.json && opts.format) throw new UsageError('--json and -f: choose one');
      if (c.getOptionValueSource('limit') === 'cli') throw new UsageError('plan: --limit does not apply; every host in scope is planned (narrow it with --subnet, --exclude, --min-bytes)');
      checkMapOutput(opts.format, opts.output);
      const query = planQueryFromOptions(opts);
      const { waves } = query;
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
