/**
 * Unsent snapshots, bounded in count and bytes: when the server stays away, the oldest are dropped
 * first (the newest says most about the host now) and counted.
 */

export interface BacklogBounds {
  maxItems: number;
  maxBytes: number;
}

export const DEFAULT_BACKLOG: BacklogBounds = { maxItems: 10, maxBytes: 32 * 1024 * 1024 };

export interface BacklogEntry<T> {
  /** The request body as sent (gzipped JSON). */
  body: Uint8Array<ArrayBuffer>;
  bytes: number;
  /** What the owner attaches (the sender: how to tell the waiter the snapshot's fate). */
  tag: T;
}

export class Backlog<T> {
  private readonly entries: BacklogEntry<T>[] = [];
  private bytes = 0;
  /** Snapshots dropped to keep the bounds, since the start. */
  dropped = 0;
  /** True while the oldest is being sent: it is not dropped from under the request, the next oldest is. */
  headInFlight = false;

  constructor(readonly bounds: BacklogBounds = DEFAULT_BACKLOG) {}

  get size(): number {
    return this.entries.length;
  }

  get byteSize(): number {
    return this.bytes;
  }

  /** Adds one body; returns the older entries dropped to make room, oldest first. */
  push(body: Uint8Array<ArrayBuffer>, tag: T): BacklogEntry<T>[] {
    const entry = { body, bytes: body.byteLength, tag };
    this.entries.push(entry);
    this.bytes += entry.bytes;
    const dropped: BacklogEntry<T>[] = [];
    // The newest always stays, even alone over the byte bound: the server judges its size (413).
    while (this.entries.length > (this.headInFlight ? 2 : 1) && (this.entries.length > this.bounds.maxItems || this.bytes > this.bounds.maxBytes)) {
      const [e] = this.entries.splice(this.headInFlight ? 1 : 0, 1);
      this.bytes -= e.bytes;
      dropped.push(e);
    }
    this.dropped += dropped.length;
    return dropped;
  }

  peek(): BacklogEntry<T> | undefined {
    return this.entries[0];
  }

  /** Removes and returns the oldest (delivered, refused for good, or dropped). */
  take(): BacklogEntry<T> {
    const e = this.entries.shift();
    if (e === undefined) throw new Error('take() from an empty backlog');
    this.bytes -= e.bytes;
    return e;
  }
}
