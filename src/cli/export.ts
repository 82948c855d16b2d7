import { writeFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import type { RawFilter } from '../filter/parse.js';
import { FORMATS, type ExportFormat } from '../export/formats.js';
import type { LayoutKind } from '../export/layout.js';
import type { NameRow } from '../names/names.js';
import { UsageError } from '../util/errors.js';
import { cliContext, withStore } from './context.js';
import { action, say } from './exit.js';
import { addFilterOptions, filterFromOptions } from './filter-options.js';

interface ExportOptions extends RawFilter {
  format: ExportFormat;
  output?: string;
  top: string;
  other: 'fold' | 'drop';
  groupBy: string;
  layout?: LayoutKind;
  resolve?: boolean;
  clusters?: boolean;
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
    .addOption(new Option('--layout <kind>', 'layout of positioned formats (svg, drawio, lucid, graphml for yEd)').choices(['layered', 'force', 'clusters']).default(undefined, 'layered; clusters with --clusters'))
    .option('--clusters', 'draw the applications flowmap finds (or config groups) as containers, the shared services apart (with --group-by host)')
    .option('--resolve', 'name unnamed drawn hosts by reverse DNS (cached in the store; 1.5 s timeout)')
    .addOption(new Option('--dns-server <addr>', 'DNS server for --resolve, e.g. 10.0.0.53 or 127.0.0.1:5353 (repeatable; default: the system\'s)').argParser((v: string, prev: string[] = []) => prev.concat(v)));
  addFilterOptions(cmd).action(
    action(async (opts: ExportOptions, c: Command) => {
      if (c.getOptionValueSource('limit') === 'cli') throw new UsageError('export: use --top N (heaviest dependencies kept) instead of --limit');
      const [{ parseGroupBy, parseTopEdges }, { GroupRules }, { loadGraph, configNameRows }, { BINARY }, { produceExport }] = await Promise.all([
        import('../graph/build.js'),
        import('../graph/groups.js'),
        import('../graph/load.js'),
        import('../export/formats.js'),
        import('../export/produce.js'),
      ]);
      const top = parseTopEdges(opts.top);
      const groupBy = parseGroupBy(opts.groupBy);
      const filter = filterFromOptions(opts);
      if (BINARY.has(opts.format) && !opts.output && process.stdout.isTTY) throw new UsageError(`--format ${opts.format} is a binary file: name it with -o FILE.lucid or redirect standard output`);
      const ctx = await cliContext(c);
      const groups = new GroupRules(ctx.config.groups);
      if (groupBy.kind === 'group' && groups.size === 0) process.stderr.write('flowmap: --group-by group: the config file defines no groups; every host stays its own node\n');
      const configNames = configNameRows(ctx.config.names);
      if (opts.dnsServer && !opts.resolve) throw new UsageError('--dns-server is used by --resolve: add --resolve');
      let resolve: ((addrs: string[]) => Promise<NameRow[]>) | undefined;
      if (opts.resolve) {
        const { reverseLookup } = await import('../names/reverse.js');
        const servers = opts.dnsServer;
        resolve = (addrs) => reverseLookup(addrs, { servers });
      }
      if (opts.clusters && groupBy.kind !== 'host') throw new UsageError('--clusters draws hosts inside their applications: use it with --group-by host');
      const graph = await withStore(
        ctx,
        async (store) => {
          const g = await loadGraph(store, filter, ctx.services, { groupBy, top, other: opts.other, groups, configNames, resolve });
          if (!opts.clusters) return g;
          const [{ analysisScope }, { applicationClusters }, { clusterGraph }] = await Promise.all([import('../analysis/run.js'), import('../analysis/clusters.js'), import('../analysis/maps.js')]);
          // Applications are found from all the traffic in scope, not only the edges above --min-bytes.
          const whole = { ...filter, minBytes: undefined };
          return clusterGraph(g, applicationClusters(await analysisScope({ store, filter: whole, services: ctx.services, configNames, groups })));
        },
        // --resolve writes what it finds into the names table (the cache).
        { readOnly: !opts.resolve },
      );
      if (graph.edges.length === 0) process.stderr.write('flowmap: no flows match: the map is empty\n');
      const data = await produceExport(opts.format, graph, opts.layout ?? (opts.clusters ? 'clusters' : 'layered'), say);
      if (opts.output) await writeFile(opts.output, data);
      else process.stdout.write(data);
      const cut = graph.meta.cutEdges ? `, ${graph.meta.cutEdges} smaller ${graph.meta.other === 'fold' ? 'folded into "other"' : 'dropped'}` : '';
      process.stderr.write(`flowmap: ${opts.format}: ${graph.nodes.length} nodes, ${graph.edges.length} dependencies${cut}${opts.output ? ` -> ${opts.output}` : ''}\n`);
    }),
  );
}
