import { writeFile } from 'node:fs/promises';
import type { ExportFormat } from '../export/formats.js';
import { BINARY } from '../export/formats.js';
import type { LayoutKind } from '../export/layout.js';
import type { DepGraph } from '../graph/model.js';
import { UsageError } from '../util/errors.js';
import { say } from './exit.js';

/** Refuse a binary format on a terminal before any work is done. */
export function checkMapOutput(format: ExportFormat | undefined, output: string | undefined): void {
  if (format && BINARY.has(format) && !output && process.stdout.isTTY) throw new UsageError(`--format ${format} is a binary file: name it with -o FILE.lucid or redirect standard output`);
  if (output && !format) throw new UsageError('-o/--output writes a map: add -f FORMAT');
}

/** `-f FORMAT [-o FILE]`: the answer drawn as a map, laid out as `flowmap export` lays it out. */
export async function writeMap(format: ExportFormat, graph: DepGraph, output: string | undefined, what: string, layout: LayoutKind = 'layered'): Promise<void> {
  const { produceExport } = await import('../export/produce.js');
  const data = await produceExport(format, graph, layout, say);
  if (output) await writeFile(output, data);
  else process.stdout.write(data);
  say(`${what}: ${format}: ${graph.nodes.length} nodes, ${graph.edges.length} dependencies${output ? ` -> ${output}` : ''}`);
}
