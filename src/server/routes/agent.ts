import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import type { Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { parseSnapshot } from '../../sources/agent/snapshot.js';
import type { AgentResponse } from '../../api/types.js';
import type { ApiDeps } from '../deps.js';

/** A snapshot of 100,000 sockets is about 20 MB of JSON; more is refused before it is read (and unpacked). */
export const AGENT_BODY_LIMIT = 32 * 1024 * 1024;

const gunzipAsync = promisify(gunzip);

/** Agents send gzip (src/sources/agent/send.ts); identity is taken too (curl, older agents). */
const ENCODINGS = new Set(['gzip', 'identity', '']);

const encodingOf = (c: Context): string => (c.req.header('content-encoding') ?? '').trim().toLowerCase();

/**
 * POST /api/v1/agent: one `flowmap agent` snapshot. Agent data is input from the network: only a
 * server with a token takes it (the access guard has already checked the token by then), the body
 * is bounded, and every field is validated (sources/agent/snapshot.ts) before anything is stored.
 */
export function registerAgent(app: Hono, deps: ApiDeps, opts: { token: boolean }): void {
  app.post(
    '/api/v1/agent',
    async (c, next) => {
      if (!opts.token) {
        c.header('WWW-Authenticate', 'Bearer realm="flowmap"');
        return c.json({ error: 'this server takes no agent snapshots: agents must authenticate, so start flowmap serve with --token (or FLOWMAP_TOKEN)' }, 401);
      }
      if (!/^application\/json\b/i.test(c.req.header('content-type') ?? '')) return c.json({ error: 'send the snapshot as Content-Type: application/json' }, 415);
      if (!ENCODINGS.has(encodingOf(c))) return c.json({ error: 'send the snapshot as is or with Content-Encoding: gzip' }, 415);
      return next();
    },
    bodyLimit({ maxSize: AGENT_BODY_LIMIT, onError: (c) => c.json({ error: `snapshot larger than ${AGENT_BODY_LIMIT} bytes` }, 413) }),
    async (c) => {
      let raw = Buffer.from(await c.req.arrayBuffer());
      if (encodingOf(c) === 'gzip') {
        try {
          // Bounded as the plain body is: a small gzip bomb is refused, not unpacked.
          raw = await gunzipAsync(raw, { maxOutputLength: AGENT_BODY_LIMIT });
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') return c.json({ error: `snapshot larger than ${AGENT_BODY_LIMIT} bytes unpacked` }, 413);
          return c.json({ error: 'the body is not valid gzip' }, 400);
        }
      }
      let body: unknown;
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        return c.json({ error: 'the body is not JSON' }, 400);
      }
      const parsed = parseSnapshot(body);
      if (!parsed.ok) return c.json({ error: `invalid snapshot: ${parsed.error}` }, 400);
      const r = await deps.sockets.accept(parsed.snapshot);
      const answer: AgentResponse = { host: r.host, sockets: r.sockets, rows: r.rows, new_periods: r.newPeriods, extended: r.extended, without_process: r.withoutProcess };
      return c.json(answer);
    },
  );
}
