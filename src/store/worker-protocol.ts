/** Messages between WorkerStore (caller thread) and the store worker. */
import type { FlowFilter } from '../filter/filter.js';
import type { NameRow } from '../names/names.js';
import type { RecordColumns } from './record-columns.js';
import type { EdgeRef, SeriesKeys, SocketQuery, SocketRow, TopPerKind, ExporterHealthRow, StoreMark, TopKind } from './store.js';

export interface WorkerInit {
  spec: string | undefined;
  readOnly: boolean;
  /**
   * Open the database only while appending a batch, so that other processes (`flowmap top`) can
   * read it between batches: for long-running writers such as live capture.
   */
  shared: boolean;
  /** Shared writers: records held while the database server is unreachable (default DEFAULT_BACKLOG_RECORDS). */
  backlogRecords?: number;
}

export type StoreRequest =
  | { id: number; op: 'init' }
  | { id: number; op: 'append'; columns: RecordColumns }
  | { id: number; op: 'top'; kind: TopKind; filter: FlowFilter }
  | { id: number; op: 'series'; filter: FlowFilter; bucketMs: number }
  | { id: number; op: 'edgeSeries'; filter: FlowFilter; bucketMs: number; edges: EdgeRef[] }
  | { id: number; op: 'topPer'; kind: TopPerKind; filter: FlowFilter; bucketMs: number }
  | { id: number; op: 'keyedSeries'; filter: FlowFilter; bucketMs: number; keys: SeriesKeys }
  | { id: number; op: 'stats' }
  | { id: number; op: 'sources' }
  | { id: number; op: 'appendNames'; rows: NameRow[] }
  | { id: number; op: 'names'; addresses: string[] }
  | { id: number; op: 'saveHealth'; run: string; rows: ExporterHealthRow[] }
  | { id: number; op: 'health' }
  | { id: number; op: 'saveSockets'; rows: SocketRow[] }
  | { id: number; op: 'sockets'; query: SocketQuery }
  | { id: number; op: 'getMark'; key: string }
  | { id: number; op: 'begin' }
  | { id: number; op: 'commit'; mark: StoreMark | null }
  | { id: number; op: 'rollback' }
  | { id: number; op: 'close' };

/** Errors cross the thread boundary as data; the caller rebuilds the same class (exit codes survive). */
export interface WireError {
  name: string;
  message: string;
}

export type StoreResponse = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: WireError };
