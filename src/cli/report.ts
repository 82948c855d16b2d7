import { writeFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import { parseBucket } from '../analysis/options.js';
import type { RawFilter } from '../filter/parse.js';
import { checkReportOptions } from '../report/options.js';
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
      const given = (['max-hosts', 'pin', 'together', 'apart'] as const).filter((o) => c.getOptionValueSource(o === 'max-hosts' ? 'maxHosts' : o) === 'cli').map((o) => `--${o}`);
      checkReportOptions({ waves: opts.waves !== undefined, given, before: opts.before !== undefined, after: opts.after !== undefined });
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
