/**
 * Minimal ClickHouse HTTP client (fetch): queries as POST bodies, results as JSONEachRow, inserts as
 * TabSeparated or (flows) RowBinary. Works with 18.16, which @clickhouse/client does not target.
 */
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
    let res: Response;
    try {
      res = await fetch(`${this.endpoint.url}/?${params.toString()}`, {
        method: 'POST',
        headers: { authorization: `Basic ${auth}`, 'content-type': typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/octet-stream' },
        body,
      });
    } catch (e) {
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      throw new FlowmapError(`cannot reach ClickHouse at ${this.endpoint.url}: ${cause?.code ?? cause?.message ?? (e as Error).message}`, { cause: e });
    }
    const text = await res.text();
    if (!res.ok) {
      const m = /Code: (\d+), e\.displayText\(\) = (?:DB::Exception: )?(.*?)(?:, e\.what\(\) = .*)?$/s.exec(text.trim());
      throw new ClickHouseError(`ClickHouse at ${this.endpoint.url}: ${m ? m[2] : text.trim().slice(0, 500)}`, m ? Number(m[1]) : null);
    }
    return text;
  }
}
