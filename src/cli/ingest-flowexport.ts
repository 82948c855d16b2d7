import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { FlowExportStats } from '../pipeline/flowexport.js';
import type { FlowExportReplaySummary } from '../pipeline/flowexport-replay.js';
import { fileTransactions } from '../pipeline/ingest-journal.js';
import { CaptureFormatError } from '../sources/pcap/frame.js';
import type { Store } from '../store/store.js';
import type { CliContext } from './context.js';
import { flowExportContext } from './flowexport-context.js';
import { say } from './exit.js';
import { stopOnSignals } from './signals.js';

export interface FlowExportIngestResult {
  files: FlowExportReplaySummary[];
  totals: FlowExportStats;
  failed: number;
  interrupted: boolean;
}

/**
 * `flowmap ingest --exports FILE...`: the files' export datagrams go through one pipeline, in the
 * order given (templates in one file serve data in the next), into the store with exporter health.
 */
export async function ingestFlowExportFiles(files: string[], ctx: CliContext, store: Store, quiet: boolean, storeReady: Promise<void>): Promise<FlowExportIngestResult> {
  const [{ FlowExportPipeline }, { replayFlowExports }, { createDecoders }, { openCaptureFile }] = await Promise.all([
    import('../pipeline/flowexport.js'),
    import('../pipeline/flowexport-replay.js'),
    import('../flowexport/decoders/index.js'),
    import('../sources/pcap/file.js'),
  ]);
  const pipeline = new FlowExportPipeline(flowExportContext(ctx, store, 'ingest', createDecoders));
  // The whole run is one transaction (halves pair and templates serve across files): after kill -9
  // the store holds nothing of it, and running it again gives the totals of an uninterrupted run.
  const tx = fileTransactions(store);
  await tx?.begin();
  let storeFailure: unknown = null;
  storeReady.catch((e: unknown) => {
    storeFailure = e;
  });
  const abort = new AbortController();
  const release = stopOnSignals(() => abort.abort());
  const summaries: FlowExportReplaySummary[] = [];
  let failed = 0;
  try {
    for (const file of files) {
      if (abort.signal.aborted || storeFailure) break;
      const name = file === '-' ? 'stdin' : basename(file);
      if (file !== '-') {
        try {
          await stat(file);
        } catch (e) {
          say(`${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
          failed++;
          continue;
        }
      }
      try {
        const s = await replayFlowExports(openCaptureFile(file), `exports:${name}`, pipeline, abort.signal);
        summaries.push(s);
        if (!quiet) say(fileLine(s));
      } catch (e) {
        if (!(e instanceof CaptureFormatError) && !(e as NodeJS.ErrnoException).code) throw e;
        failed++;
        say(`${file}: ${(e as Error).message}`);
      }
    }
    if (storeFailure) throw storeFailure;
    await pipeline.finish();
    await tx?.commit();
  } finally {
    release();
    if (abort.signal.aborted && files.includes('-')) process.stdin.destroy();
  }
  const totals = pipeline.stats;
  if (!quiet) say(totalsLine(totals, pipeline.health.all().length));
  return { files: summaries, totals, failed, interrupted: abort.signal.aborted };
}

function fileLine(s: FlowExportReplaySummary): string {
  const n = (v: number) => v.toLocaleString('en-US');
  const skipped = Object.values(s.skipped).reduce((a, b) => a + b, 0);
  const reasons = Object.entries(s.skipped).map(([k, v]) => `${k} ${n(v)}`).join(', ');
  let line = `${s.source}: ${n(s.frames)} frames, ${n(s.datagrams)} export datagrams, skipped ${n(skipped)}${reasons ? ` (${reasons})` : ''}`;
  if (s.interrupted) line += ' [interrupted]';
  for (const w of s.warnings) line += `\n${s.source}: warning: ${w}`;
  return line;
}

function totalsLine(t: FlowExportStats, exporters: number): string {
  const n = (v: number) => v.toLocaleString('en-US');
  let line = `exports: ${n(t.flows)} exported flows from ${n(exporters)} exporter${exporters === 1 ? '' : 's'} -> ${n(t.stored)} flow records (${n(t.paired)} paired, ${n(t.unpaired)} one-way, ${n(t.biflows)} biflow, ${n(t.sampled)} from samples)`;
  if (t.unknown > 0) line += `, ${n(t.unknown)} datagrams of no known export protocol`;
  return line + '; exporter health: flowmap exporters';
}
