/**
 * Capture files stored whole or not at all, and remembered once stored. Each regular file is ingested
 * in one store transaction that commits with a mark naming the file (its real path, size and
 * modification time): after a crash or kill -9 the store holds each file completely or not at all, and
 * a re-run skips the files it already holds and reads the unfinished one again. Standard input and
 * pipes have no identity and may never end: they are stored batch by batch, as they come.
 */
import { realpath, stat } from 'node:fs/promises';
import type { Store, StoreMark } from '../store/store.js';

/** What the journal needs from the store (WorkerStore and every ManagedStore offer it). */
export interface FileTransactions {
  getMark(key: string): Promise<string | null>;
  begin(): Promise<void>;
  commit(mark?: StoreMark): Promise<void>;
  rollback(): Promise<void>;
}

export function fileTransactions(store: Store): (Store & FileTransactions) | null {
  const s = store as Store & Partial<FileTransactions>;
  return s.getMark && s.begin && s.commit && s.rollback ? (s as Store & FileTransactions) : null;
}

/** The mark of a regular file as it is now; null for standard input, pipes and devices. */
export async function fileMark(path: string): Promise<StoreMark | null> {
  if (path === '-') return null;
  const st = await stat(path);
  if (!st.isFile()) return null;
  return { key: `ingest:${await realpath(path)}`, value: `${st.size}:${Math.trunc(st.mtimeMs)}` };
}

/** One file's transaction: open() says whether to read it; then exactly one of stored/abandon/partial. */
export class FileJournal {
  private mark: StoreMark | null = null;

  constructor(private readonly tx: FileTransactions | null) {}

  /** False when the store already holds this file, unchanged since; else a transaction is open for it. */
  async open(path: string): Promise<boolean> {
    this.mark = this.tx ? await fileMark(path) : null;
    if (!this.tx || !this.mark) return true;
    if ((await this.tx.getMark(this.mark.key)) === this.mark.value) {
      this.mark = null;
      return false;
    }
    await this.tx.begin();
    return true;
  }

  /** The whole file was read: its records and its mark commit together. */
  async stored(): Promise<void> {
    if (this.mark) await this.tx?.commit(this.mark);
    this.mark = null;
  }

  /** Interrupted part-way: nothing of the file is kept (a re-run reads it whole). */
  async abandon(): Promise<boolean> {
    if (!this.mark) return false;
    this.mark = null;
    await this.tx?.rollback();
    return true;
  }

  /** Unreadable past some point (truncated): what was read is kept, the file is not remembered. */
  async partial(): Promise<void> {
    if (this.mark) await this.tx?.commit();
    this.mark = null;
  }
}
