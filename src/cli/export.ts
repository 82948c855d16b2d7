import { writeFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import type { RawFilter } from '../filter/parse.js';
import { FORMATS, type ExportFormat } from '../export/formats.js';
import type { NameRow } from '../names/names.js';
import { UsageError } from '../util/errors.js';
import { cliContext, withStore } from './context.js';
import { action } from './exit.js';
import { addFilterOptions, filterFromOptions } from './filter-options.js';

interface ExportOptions extends RawFilter {
  format: ExportFormat;
  output?: string;
  top: string;
  other: 'fold' | 'drop';
  groupBy: string;
  layout: 'layered' | 'force';
  resolve?: boolean;
  dnsServer?: string[];
}

export function registerExport(program: Command): void {
  const cmd = program
    .command('export')
    .description('draw the dependency map: LucidChart, draw.io, Graphviz, SVG, Mermaid, GraphML, JSON, CSV')
    .addOption(new Option('-f, --format <format>', 'output format').choices([...FORMATS]).makeOptionMandatory())
    .option('-o, --output <file>', 'write here instead of standard output')
    .option('--top <n>', 'keep the N heaviest dependencies (0: all)', '50')
    .addOption(new Option('--other <mode>', 'dependencies beyond --top / --min-bytes: fold into one "other" node, or drop them').choices(['fold', 'drop']).default('fold'))
    .option('--group-by <how>', 'nodes are: host, group (config groups), subnet[/len[,v6len]] (default /24, /64)', 'host')
    .addOption(new Option('--layout <kind>', 'layout of positioned formats (svg, drawio, lucid, graphml for yEd)').choices(['layered', 'force']).default('layered'))
    .option('--resolve', 'name unnamed drawn hosts by reverse DNS (cached in the store; 1.5 s timeout)')
    .addOption(new Option('--dns-server <addr>', 'DNS server for --resolve, e.g. 10.0.0.53 or 127.0.0.1:5353 (repeatable; default: the system\'s)').argParser((v: string, prev: string[] = []) => prev.concat(v)));
  addFilterOptions(cmd).action(
    action(async (opts: ExportOptions, c: Command) => {
      if (c.getOptionValueSource('limit') === 'cli') throw new UsageError('export: use --top N (heaviest dependencies kept) instead of --limit');
      const top = Number(opts.top);
      if (!/^\d+$/.test(String(opts.top).trim()) || top > 100_000) throw new UsageError(`--top: ${JSON.stringify(opts.top)} is not a whole number from 0 to 100000`);
      const [{ parseGroupBy }, { GroupRules }, { loadGraph }, { render, BINARY, POSITIONED }] = await Promise.all([
        import('../graph/build.js'),
        import('../graph/groups.js'),
        import('../graph/load.js'),
        import('../export/formats.js'),
      ]);
      const groupBy = parseGroupBy(opts.groupBy);
      const filter = filterFromOptions(opts);
      if (BINARY.has(opts.format) && !opts.output && process.stdout.isTTY) throw new UsageError(`--format ${opts.format} is a binary file: name it with -o FILE.lucid or redirect standard output`);
      const ctx = await cliContext(c);
      const groups = new GroupRules(ctx.config.groups);
      if (groupBy.kind === 'group' && groups.size === 0) process.stderr.write('flowmap: --group-by group: the config file defines no groups; every host stays its own node\n');
      const configNames = ctx.config.names.map((n) => ({ ...n, source: 'config' as const, first_seen: '', last_seen: '' }));
      if (opts.dnsServer && !opts.resolve) throw new UsageError('--dns-server is used by --resolve: add --resolve');
      let resolve: ((addrs: string[]) => Promise<NameRow[]>) | undefined;
      if (opts.resolve) {
        const { reverseLookup } = await import('../names/reverse.js');
        const servers = opts.dnsServer;
        resolve = (addrs) => reverseLookup(addrs, { servers });
      }
      const graph = await withStore(
        ctx,
        (store) => loadGraph(store, filter, ctx.services, { groupBy, top, other: opts.other, groups, configNames, resolve }),
        // --resolve writes what it finds into the names table (the cache).
        { readOnly: !opts.resolve },
      );
      if (graph.edges.length === 0) process.stderr.write('flowmap: no flows match: the map is empty\n');
      const positioned = POSITIONED.has(opts.format);
      let layout = null;
      if (positioned) {
        const { layoutGraph, chooseEffort, EFFORT_LIMITS } = await import('../graph/layout.js');
        const effort = chooseEffort(graph.edges.length);
        // Big maps get cheaper ELK settings (layout.ts has the measurements): say so, and how to avoid it.
        if (opts.layout === 'layered' && effort !== 'full') {
          const how = effort === 'fast' ? 'one crossing sweep, linear-segment placement' : 'one crossing sweep, Brandes-Koepf placement; several seconds per 1,000 dependencies';
          process.stderr.write(`flowmap: ${graph.edges.length} dependencies (over ${EFFORT_LIMITS.full}): cheaper "${effort}" layout settings (${how}); --top ${EFFORT_LIMITS.full} draws the tidiest map\n`);
          // Measured: 3,000 dependencies about 20 s; 10,000 still running after 220 s with 1 GB.
          if (graph.edges.length > 3000) process.stderr.write(`flowmap: warning: laying out over 3,000 dependencies takes minutes and gigabytes; --top 3000, or a format without layout (dot, lucid-csv, drawio-csv, json, csv)\n`);
        } else if (opts.layout === 'force' && graph.edges.length > EFFORT_LIMITS.fast) process.stderr.write(`flowmap: laying out ${graph.nodes.length} nodes and ${graph.edges.length} dependencies; large maps take a while (--top N draws fewer)\n`);
        layout = await layoutGraph(graph, opts.layout, effort);
      }
      const data = await render(opts.format, graph, layout);
      // Mermaid's defaults (maxEdges 500, maxTextSize 50,000) also bind GitHub and most Markdown viewers.
      if (opts.format === 'mermaid' && (graph.edges.length > 500 || data.length > 50_000)) process.stderr.write('flowmap: warning: Mermaid renders at most 500 edges and 50,000 characters by default; use --top to draw fewer\n');
      if (opts.output) await writeFile(opts.output, data);
      else process.stdout.write(data);
      const cut = graph.meta.cutEdges ? `, ${graph.meta.cutEdges} smaller ${graph.meta.other === 'fold' ? 'folded into "other"' : 'dropped'}` : '';
      process.stderr.write(`flowmap: ${opts.format}: ${graph.nodes.length} nodes, ${graph.edges.length} dependencies${cut}${opts.output ? ` -> ${opts.output}` : ''}\n`);
    }),
  );
}
