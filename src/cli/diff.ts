import type { Command } from 'commander';
import { parseThreshold, parseWindow } from '../analysis/diff-options.js';
import type { RawFilter } from '../filter/parse.js';
import { UsageError } from '../util/errors.js';
import { analysisBase } from './analysis-input.js';
import { cliContext, withStore } from './context.js';
import { action, say } from './exit.js';
import { addFilterOptions, filterFromOptions } from './filter-options.js';

interface DiffCliOptions extends RawFilter {
  before?: string;
  after?: string;
  threshold?: string;
  json?: boolean;
  csv?: boolean;
}

export function registerDiff(program: Command): void {
  const cmd = program
    .command('diff')
    .description('what changed between two windows: dependencies added, removed, or whose traffic moved by --threshold or more; hosts new and gone')
    .option('--before <from..to>', 'the earlier window, FROM..TO: ISO 8601 or relative, e.g. 2026-03-01T08:00Z..2026-03-01T09:00Z or 2h..1h')
    .option('--after <from..to>', 'the later window, FROM..TO, e.g. 1h..now')
    .option('--threshold <ratio>', 'a dependency changed when after/before is at least this or at most its inverse (rates when the windows differ in length)', '2')
    .option('--json', 'JSON on stdout')
    .option('--csv', 'the dependencies that changed as CSV on stdout, with a change column (added, removed, changed)');
  addFilterOptions(cmd).action(
    action(async (opts: DiffCliOptions, c: Command) => {
      if (opts.json && opts.csv) throw new UsageError('--json and --csv: choose one');
      for (const o of ['since', 'until', 'limit'] as const) {
        if (c.getOptionValueSource(o) === 'cli') throw new UsageError(`diff: --${o} does not apply; --before and --after give the windows, and every dependency is compared`);
      }
      const now = Date.now();
      const before = parseWindow(opts.before, now, '--before');
      const after = parseWindow(opts.after, now, '--after');
      const threshold = parseThreshold(opts.threshold);
      const filter = filterFromOptions(opts);
      const [{ runDiff }, { diffCsv, diffText }] = await Promise.all([import('../analysis/run.js'), import('./diff-text.js')]);
      const ctx = await cliContext(c);
      const result = await withStore(ctx, (store) => runDiff({ ...analysisBase(ctx), store, filter }, { before, after, threshold }), { readOnly: true });
      if (opts.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      else if (opts.csv) process.stdout.write(diffCsv(result));
      else process.stdout.write(diffText(result, process.stdout.isTTY === true));
      for (const n of result.notes) say(`diff: ${n}`);
      say(
        `diff: ${result.added.length} added, ${result.removed.length} removed, ${result.changed.length} changed (×${threshold}), ${result.unchanged} unchanged; ` +
          `hosts ${result.hosts_added.length} new, ${result.hosts_removed.length} gone`,
      );
    }),
  );
}
