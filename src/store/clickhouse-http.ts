/**
 * Minimal ClickHouse HTTP client (node:http): queries as POST bodies, results as JSONEachRow, inserts as
 * TabSeparated or (flows) RowBinary. Works with 18.16, which @clickhouse/client does not target.
 */
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { FlowmapError } from '../util/errors.js';

export class ClickHouseError extends FlowmapError {
  override name = 'ClickHouseError';
  constructor(
    message: string,
    /** ClickHouse's error code (e.g. 81 unknown database, 60 unknown table), when given. */
    readonly code: number | null,
  ) {
    super(message);
  }
}

export interface ChEndpoint {
  url: string;
  user: string;
  password: string;
}

export class ClickHouseHttp {
  constructor(
    readonly endpoint: ChEndpoint,
    private readonly database?: string,
  ) {}

  /** Same credentials and database on another node (a shard). */
  at(url: string): ClickHouseHttp {
    return new ClickHouseHttp({ ...this.endpoint, url }, this.database);
  }

  /** The same node outside any database (to create it). */
  server(): ClickHouseHttp {
    return new ClickHouseHttp(this.endpoint);
  }

  /** Run a statement; returns the response text. */
  async exec(sql: string, settings: Record<string, string> = {}): Promise<string> {
    return this.post(new URLSearchParams(settings), sql);
  }

  async rows<T = Record<string, unknown>>(sql: string): Promise<T[]> {
    const text = await this.exec(`${sql}\nFORMAT JSONEachRow`);
    return text
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as T);
  }

  /** INSERT with a TabSeparated body; `settings` such as insert_distributed_sync. */
  async insertTsv(table: string, columns: readonly string[], body: string, settings: Record<string, string> = {}): Promise<void> {
    const params = new URLSearchParams(settings);
    params.set('query', `INSERT INTO ${table} (${columns.join(', ')}) FORMAT TabSeparated`);
    await this.post(params, body);
  }

  /** INSERT with a RowBinary body (clickhouse-rowbinary.ts), columns in the body's order. */
  async insertRowBinary(table: string, columns: readonly string[], body: Uint8Array<ArrayBuffer>, settings: Record<string, string> = {}): Promise<void> {
    const params = new URLSearchParams(settings);
    params.set('query', `INSERT INTO ${table} (${columns.join(', ')}) FORMAT RowBinary`);
    await this.post(params, body);
  }

  private async post(params: URLSearchParams, body: string | Uint8Array<ArrayBuffer>): Promise<string> {
    if (this.database) params.set('database', this.database);
    const auth = Buffer.from(`${this.endpoint.user}:${this.endpoint.password}`).toString('base64');
    let res: { status: number; text: string };
    try {
      res = await send(new URL(`${this.endpoint.url}/?${params.toString()}`), body, {
        authorization: `Basic ${auth}`,
        'content-type': typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/octet-stream',
      });
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      throw new FlowmapError(`cannot reach ClickHouse at ${this.endpoint.url}: ${err.code ?? err.message}`, { cause: e });
    }
    if (res.status < 200 || res.status > 299) {
      const m = /Code: (\d+), e\.displayText\(\) = (?:DB::Exception: )?(.*?)(?:, e\.what\(\) = .*)?$/s.exec(res.text.trim());
      throw new ClickHouseError(`ClickHouse at ${this.endpoint.url}: ${m ? m[2] : res.text.trim().slice(0, 500)}`, m ? Number(m[1]) : null);
    }
    return res.text;
  }
}

/**
 * Idle connections are kept for 1 s only: ClickHouse closes its side after keep_alive_timeout (3 s by
 * default), and a request sent on a connection the server is closing fails ("other side closed"),
 * which fetch's pool, keeping them 4 s, ran into on any process that queried now and then.
 */
const AGENTS = {
  'http:': new HttpAgent({ keepAlive: true, timeout: 1000 }),
  'https:': new HttpsAgent({ keepAlive: true, timeout: 1000 }),
};

function send(url: URL, body: string | Uint8Array, headers: Record<string, string>): Promise<{ status: number; text: string }> {
  const isHttps = url.protocol === 'https:';
  const req = (isHttps ? httpsRequest : httpRequest)(url, {
    method: 'POST',
    agent: isHttps ? AGENTS['https:'] : AGENTS['http:'],
    headers: { ...headers, 'content-length': String(typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength) },
  });
  return new Promise((resolve, reject) => {
    req.on('error', reject);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.end(body);
  });
}
