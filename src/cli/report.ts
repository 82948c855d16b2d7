import { writeFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import { parseBucket } from '../analysis/options.js';
import type { RawFilter } from '../filter/parse.js';
import { UsageError } from '../util/errors.js';
import { analysisBase } from './analysis-input.js';
import { cliContext, withStore } from './context.js';
import { action, say } from './exit.js';
import { addFilterOptions, filterFromOptions } from './filter-options.js';
import { addPlanOptions, planQueryFromOptions, type PlanCliOptions } from './plan-options.js';

interface ReportCliOptions extends RawFilter, PlanCliOptions {
  format: 'html' | 'md';
  output?: string;
  before?: string;
  after?: string;
  threshold?: string;
}

export function registerReport(program: Command): void {
  const cmd = program
    .command('report')
    .description('one file for a migration or DR review: summary, inventory, dependency map, critical hosts, waves, shared services, congestion, drift, method')
    .addOption(new Option('--format <format>', 'html (self-contained, prints to PDF) or md (Markdown with Mermaid maps)').choices(['html', 'md']).default('html'))
    .option('-o, --output <file>', 'write the report here (default: standard output)')
    .option('--before <from..to>', 'with --after: a drift section comparing these windows, FROM..TO')
    .option('--after <from..to>', 'the later window of the drift section, FROM..TO')
    .option('--threshold <ratio>', 'drift: a dependency changed when after/before is at least this or at most its inverse', '2');
  addFilterOptions(addPlanOptions(cmd, false)).action(
    action(async (opts: ReportCliOptions, c: Command) => {
      const started = Date.now();
      for (const o of ['maxHosts', 'pin', 'together', 'apart'] as const) {
        if (opts.waves === undefined && opts[o] !== undefined) throw new UsageError(`--${o === 'maxHosts' ? 'max-hosts' : o}: needs --waves N (the plan it constrains)`);
      }
      if ((opts.before === undefined) !== (opts.after === undefined)) throw new UsageError('--before and --after: give both windows for the drift section, or neither');
      const plan = opts.waves === undefined ? null : planQueryFromOptions(opts);
      const bucketMs = parseBucket(opts.bucket);
      const filter = filterFromOptions(opts);
      const [{ parseThreshold, parseWindow }, { storeDisplay }, { interfaceNamer }, { gatherReport }] = await Promise.all([
        import('../analysis/diff-options.js'),
        import('../store/spec.js'),
        import('../config/interfaces.js'),
        import('../report/gather.js'),
      ]);
      const diff = opts.before === undefined ? null : { before: parseWindow(opts.before, started, '--before'), after: parseWindow(opts.after, started, '--after'), threshold: parseThreshold(opts.threshold) };
      const ctx = await cliContext(c);
      const query = { plan, bucketMs, diff, interfaceName: interfaceNamer(ctx.config), store: storeDisplay(ctx.dbSpec), nowMs: started };
      const data = await withStore(ctx, (store) => gatherReport({ ...analysisBase(ctx), store, filter }, query), { readOnly: true });
      const text = opts.format === 'md' ? (await import('../report/markdown.js')).renderReportMarkdown(data) : await (await import('../report/html.js')).renderReportHtml(data);
      if (opts.output) await writeFile(opts.output, text);
      else process.stdout.write(text);
      const waves = data.plan ? `${data.plan.waves.length} waves, ` : 'no waves (--waves N adds them), ';
      say(`report: ${opts.format}: ${data.totals.hosts} hosts, ${data.totals.dependencies} dependencies, ${waves}${(Buffer.byteLength(text) / 1024).toFixed(0)} kB in ${((Date.now() - started) / 1000).toFixed(1)} s${opts.output ? ` -> ${opts.output}` : ''}`);
    }),
  );
}
