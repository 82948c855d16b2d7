/**
 * `--output FILE`: one snapshot per line, appended. Each line is written with one append call (O_APPEND),
 * so a reader (`flowmap ingest --sockets`) never sees half a line from a finished write, and a rotated or
 * removed file is simply created again.
 */
import { appendFileSync } from 'node:fs';
import type { AgentSnapshot } from './snapshot.js';

export function snapshotLine(snapshot: AgentSnapshot): string {
  return `${JSON.stringify(snapshot)}\n`;
}

export function appendSnapshot(file: string, snapshot: AgentSnapshot): void {
  appendFileSync(file, snapshotLine(snapshot), { mode: 0o640 });
}
