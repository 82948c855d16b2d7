/**
 * The export worker's thread: lays out and draws one map at a time (export/produce.ts), so that a
 * layout taking seconds never holds up the server's other requests. export-runner.ts talks to it.
 */
import { parentPort } from 'node:worker_threads';
import type { DepGraph } from '../graph/model.js';
import type { ExportFormat } from '../export/formats.js';
import type { LayoutKind } from '../export/layout.js';
import { produceExport } from '../export/produce.js';

export interface ExportJob {
  id: number;
  format: ExportFormat;
  graph: DepGraph;
  layout: LayoutKind;
}

export type ExportAnswer = { id: number; ok: true; data: string | Uint8Array } | { id: number; ok: false; name: string; message: string };

const port = parentPort;
if (port) {
  port.on('message', (job: ExportJob) => {
    produceExport(job.format, job.graph, job.layout).then(
      (data) => {
        const answer: ExportAnswer = { id: job.id, ok: true, data };
        port.postMessage(answer, typeof data === 'string' ? [] : [data.buffer as ArrayBuffer]);
      },
      (e: unknown) => {
        const err = e instanceof Error ? e : new Error(String(e));
        const answer: ExportAnswer = { id: job.id, ok: false, name: err.name, message: err.message };
        port.postMessage(answer);
      },
    );
  });
}
