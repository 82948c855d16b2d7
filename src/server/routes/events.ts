import type { Hono } from 'hono';
import type { LiveEvent } from '../../api/types.js';
import type { ApiDeps } from '../deps.js';
import type { LiveEventName } from '../live.js';
import { Query } from '../query.js';

/** A comment line this often keeps proxies and the browser from dropping a quiet stream. */
export const KEEPALIVE_MS = 15_000;

const encoder = new TextEncoder();
const frame = (event: LiveEventName | 'hello', data: LiveEvent): Uint8Array => encoder.encode(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);

/** GET /api/v1/events: server-sent events `hello`, `flows`, `health` (see src/api/types.ts). */
export function registerEvents(app: Hono, deps: ApiDeps): void {
  app.get('/api/v1/events', (c) => {
    Query.parse(c.req.url, []);
    let stop = (): void => undefined;
    const body = new ReadableStream<Uint8Array>({
      start(ctrl) {
        let open = true;
        const send = (bytes: Uint8Array): void => {
          if (!open) return;
          try {
            ctrl.enqueue(bytes);
          } catch {
            stop();
          }
        };
        // The browser retries after 2 s when the connection drops (e.g. the server restarts).
        send(encoder.encode('retry: 2000\n\n'));
        send(frame('hello', deps.bus.snapshot()));
        const unsubscribe = deps.bus.subscribe((event, data) => send(frame(event, data)));
        const keepalive = setInterval(() => send(encoder.encode(': keepalive\n\n')), KEEPALIVE_MS);
        const unhook = deps.bus.onShutdown(() => {
          stop();
          try {
            ctrl.close();
          } catch {
            // already closed by the client
          }
        });
        stop = () => {
          if (!open) return;
          open = false;
          clearInterval(keepalive);
          unsubscribe();
          unhook();
        };
      },
      cancel() {
        stop();
      },
    });
    return c.body(body, 200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store', 'X-Accel-Buffering': 'no' });
  });
}
