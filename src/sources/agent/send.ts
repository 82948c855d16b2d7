/**
 * Delivers snapshots to `POST <base>/api/v1/agent` with a bearer token, gzipped (a snapshot's JSON
 * repeats itself: 10,000 sockets are 1.4 MB of it and 39 KB on the wire). A refusal (401/403, 400, 413,
 * another 4xx) settles that snapshot for good; a server error, 408, 429 or no connection is retried with
 * exponential back-off and jitter, while newer snapshots wait in a bounded backlog.
 */
import { gzipSync } from 'node:zlib';
import { Backlog, DEFAULT_BACKLOG, type BacklogBounds } from './backlog.js';

export const AGENT_PATH = '/api/v1/agent';

/** The fate of one snapshot. */
export type SendOutcome =
  | 'accepted'
  /** 401 or 403: the token is wrong or missing. */
  | 'unauthorized'
  /** 413 */
  | 'too-large'
  /** 400: the server did not accept the content. */
  | 'invalid'
  /** another 4xx (404: not a flowmap server, or one without the agent endpoint). */
  | 'refused'
  /** pushed out of the backlog by newer snapshots. */
  | 'dropped'
  /** still unsent when the sender stopped. */
  | 'unsent';

export interface Backoff {
  initialMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: Backoff = { initialMs: 1_000, maxMs: 60_000 };

export interface SenderOptions {
  /** The serve base URL, e.g. http://10.0.0.5:8080 (a path prefix is kept). */
  baseUrl: string;
  token: string;
  backlog?: BacklogBounds;
  backoff?: Backoff;
  /** One request's time limit. */
  timeoutMs?: number;
  log: (message: string) => void;
  random?: () => number;
}

export interface SenderStats {
  accepted: number;
  /** Settled without delivery: refused by the server, dropped from the backlog or left at stop. */
  lost: number;
  /** Attempts that will be retried (server error, no connection). */
  retries: number;
  droppedFromBacklog: number;
}

type Settle = (o: SendOutcome) => void;

/** The agent endpoint under a base URL; throws on a URL fetch cannot use. */
export function agentEndpoint(baseUrl: string): URL {
  const u = new URL(baseUrl);
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`not an http(s) URL: ${baseUrl}`);
  u.pathname = `${u.pathname.replace(/\/+$/, '')}${AGENT_PATH}`;
  u.search = '';
  u.hash = '';
  return u;
}

const RETRIED = new Set([408, 429]);
/** One last attempt's time limit, at stop. */
const STOP_TIMEOUT_MS = 5_000;

export class SnapshotSender {
  readonly endpoint: URL;
  private readonly backlog: Backlog<Settle>;
  private readonly backoff: Backoff;
  private readonly timeoutMs: number;
  private readonly random: () => number;
  private delayMs = 0;
  /** Cleared by pump() itself as it returns, in the same tick: a send() right after a settle starts a new one. */
  private running = false;
  private pumping: Promise<void> = Promise.resolve();
  private stopping = false;
  private cancelWait: (() => void) | null = null;
  readonly stats: SenderStats = { accepted: 0, lost: 0, retries: 0, droppedFromBacklog: 0 };

  constructor(private readonly opts: SenderOptions) {
    this.endpoint = agentEndpoint(opts.baseUrl);
    this.backlog = new Backlog(opts.backlog ?? DEFAULT_BACKLOG);
    this.backoff = opts.backoff ?? DEFAULT_BACKOFF;
    this.timeoutMs = opts.timeoutMs ?? 30_000;
    this.random = opts.random ?? Math.random;
  }

  /** Unsent snapshots waiting (the one being sent included). */
  get pending(): number {
    return this.backlog.size;
  }

  /** Queues one snapshot (its JSON; kept gzipped, so the backlog's byte bound counts what is sent); the promise tells its fate. */
  send(json: string): Promise<SendOutcome> {
    return new Promise<SendOutcome>((settle) => {
      if (this.stopping) return settle('unsent');
      const dropped = this.backlog.push(gzipSync(json), settle);
      if (dropped.length > 0) {
        this.stats.droppedFromBacklog += dropped.length;
        this.stats.lost += dropped.length;
        this.opts.log(
          `backlog full (${this.backlog.bounds.maxItems} snapshots or ${Math.round(this.backlog.bounds.maxBytes / 1048576)} MiB): dropped the ${dropped.length === 1 ? 'oldest unsent snapshot' : `${dropped.length} oldest unsent snapshots`}, ${this.stats.droppedFromBacklog} dropped so far`,
        );
        for (const d of dropped) d.tag('dropped');
      }
      if (!this.running) {
        this.running = true;
        this.pumping = this.pump();
      }
    });
  }

  /**
   * Stops retrying: a request in flight finishes, then the snapshots still waiting get one more attempt
   * each (no back-off, at most STOP_TIMEOUT_MS a request, none after one fails: the server is away), and
   * whatever is still unsent is settled 'unsent'. Resolves with that count. Bounded, so a service
   * manager's stop timeout is not spent on a server that does not answer.
   */
  async stop(): Promise<number> {
    this.stopping = true;
    this.cancelWait?.();
    await this.pumping;
    let unsent = 0;
    let away = false;
    while (this.backlog.size > 0) {
      const e = this.backlog.take();
      const r = away ? null : await this.post(e.body, STOP_TIMEOUT_MS);
      if (r === null || r.outcome === 'retry') {
        away = true;
        unsent++;
        this.stats.lost++;
        e.tag('unsent');
      } else this.settle(e.tag, r.outcome);
    }
    return unsent;
  }

  private async pump(): Promise<void> {
    // The finally runs in the tick the loop ends in: a send() settled by this pass sees running false.
    try {
      while (!this.stopping && this.backlog.size > 0) {
        const e = this.backlog.peek() as NonNullable<ReturnType<Backlog<Settle>['peek']>>;
        this.backlog.headInFlight = true;
        const r = await this.post(e.body).finally(() => (this.backlog.headInFlight = false));
        if (this.stopping && r.outcome === 'retry') return; // stop() makes the last attempt
        if (r.outcome === 'retry') {
          this.stats.retries++;
          this.delayMs = this.delayMs === 0 ? this.backoff.initialMs : Math.min(this.delayMs * 2, this.backoff.maxMs);
          // Jitter (half to all of the delay) keeps a fleet of agents from retrying in step.
          let wait = this.delayMs * (0.5 + this.random() / 2);
          if (r.retryAfterMs !== null) wait = Math.min(Math.max(wait, r.retryAfterMs), this.backoff.maxMs);
          this.opts.log(`${r.reason}: retrying in ${(wait / 1000).toFixed(1)} s (${this.backlog.size} unsent)`);
          await this.wait(wait);
          continue;
        }
        this.delayMs = 0;
        this.backlog.take(); // e: the head stays while in flight
        this.settle(e.tag, r.outcome);
      }
    } finally {
      this.running = false;
    }
  }

  private settle(tag: Settle, outcome: SendOutcome): void {
    if (outcome === 'accepted') this.stats.accepted++;
    else this.stats.lost++;
    tag(outcome);
  }

  private wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(done, ms);
      function done(): void {
        clearTimeout(t);
        resolve();
      }
      this.cancelWait = () => {
        this.cancelWait = null;
        done();
      };
    });
  }

  /** One attempt; says what it means for the snapshot and logs refusals. */
  private async post(body: Uint8Array<ArrayBuffer>, timeoutMs = this.timeoutMs): Promise<{ outcome: SendOutcome | 'retry'; reason: string; retryAfterMs: number | null }> {
    let res: Response;
    try {
      res = await fetch(this.endpoint, {
        method: 'POST',
        headers: { authorization: `Bearer ${this.opts.token}`, 'content-type': 'application/json', 'content-encoding': 'gzip' },
        body,
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (e) {
      const cause = e instanceof Error && e.cause instanceof Error ? e.cause.message : e instanceof Error ? e.message : String(e);
      return { outcome: 'retry', reason: `${this.endpoint.origin}: ${cause}`, retryAfterMs: null };
    }
    const text = await res.text().catch(() => '');
    const detail = serverMessage(text);
    const s = res.status;
    if (s >= 200 && s < 300) return { outcome: 'accepted', reason: '', retryAfterMs: null };
    if (s >= 500 || RETRIED.has(s)) return { outcome: 'retry', reason: `${this.endpoint.href}: HTTP ${s}${detail}`, retryAfterMs: retryAfter(res.headers.get('retry-after')) };
    let outcome: SendOutcome;
    let what: string;
    if (s === 401 || s === 403) {
      outcome = 'unauthorized';
      what = `the server refused the token (HTTP ${s}): check --token or FLOWMAP_TOKEN against the server's token`;
    } else if (s === 413) {
      outcome = 'too-large';
      what = `the server refused the snapshot as too large (HTTP 413, ${body.length} bytes gzipped)`;
    } else if (s === 400) {
      outcome = 'invalid';
      what = `the server refused the snapshot as invalid (HTTP 400${detail})`;
    } else {
      outcome = 'refused';
      what = `the server refused the snapshot (HTTP ${s}${detail}); is ${this.endpoint.origin} a flowmap server with the agent endpoint?`;
    }
    this.opts.log(`${what}; snapshot dropped`);
    return { outcome, reason: what, retryAfterMs: null };
  }
}

/** The server's error text, short and on one line (its JSON `error` field when it sends one). */
function serverMessage(text: string): string {
  let msg = text;
  try {
    const v: unknown = JSON.parse(text);
    if (v !== null && typeof v === 'object' && 'error' in v && typeof v.error === 'string') msg = v.error;
  } catch {
    // plain text
  }
  msg = msg.replace(/\s+/g, ' ').trim().slice(0, 200);
  return msg === '' ? '' : `: ${msg}`;
}

/** Retry-After in seconds (an HTTP date is not worth parsing here); null when absent or odd. */
function retryAfter(h: string | null): number | null {
  if (h === null || !/^\d+$/.test(h.trim())) return null;
  return Number(h.trim()) * 1000;
}
