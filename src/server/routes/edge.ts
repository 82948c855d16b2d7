import type { Hono } from 'hono';
import type { FlowFilter } from '../../filter/filter.js';
import { parseFilter } from '../../filter/parse.js';
import { NameBook } from '../../names/names.js';
import { runTop } from '../../query/top.js';
import { UsageError } from '../../util/errors.js';
import { tryParseIp } from '../../util/ip.js';
import type { EdgeDetail } from '../../api/types.js';
import type { ApiDeps } from '../deps.js';
import { FILTER_PARAMS, Query, apiWording, filterFromQuery } from '../query.js';
import { chartSeries, chartWindow } from '../series.js';

/** client, server, port and proto name the edge; the other filter parameters narrow it further. */
const IDENTITY = ['client', 'server', 'port', 'proto'] as const;

/** GET /api/v1/edge?client=A&server=B&port=P&proto=tcp: one dependency, its conversations, its chart. */
export function registerEdge(app: Hono, deps: ApiDeps): void {
  app.get('/api/v1/edge', async (c) => {
    const q = Query.parse(c.req.url, FILTER_PARAMS);
    const id = Object.fromEntries(IDENTITY.map((k) => [k, required(q, k)])) as Record<(typeof IDENTITY)[number], string>;
    for (const k of ['client', 'server'] as const) {
      if (tryParseIp(id[k]) === null) throw new UsageError(`${k}: ${JSON.stringify(id[k])} is not an IPv4 or IPv6 address`);
    }
    // The identity goes through the one filter parser (same validation and messages as the CLI).
    const ends = apiWording(() => parseFilter({ client: [id.client], server: [id.server], port: [id.port], proto: [id.proto] }, 0));
    if (ends.ports.length !== 1 || ends.protos.length !== 1) throw new UsageError('port and proto: one of each (the edge is one service)');
    const base = filterFromQuery(q, deps.now(), {});
    const filter: FlowFilter = { ...base, clients: ends.clients, servers: ends.servers, ports: ends.ports, protos: ends.protos };
    const client = ends.clients[0].text;
    const server = ends.servers[0].text;
    const [edges, conversations, seen] = await Promise.all([
      runTop(deps.store, 'edges', { ...filter, limit: 1 }, deps.services),
      runTop(deps.store, 'flows', filter, deps.services),
      deps.store.names([client, server]),
    ]);
    const names = new NameBook([...deps.configNames.filter((n) => n.address === client || n.address === server), ...seen]);
    const edge = edges[0] ?? null;
    const body: EdgeDetail = {
      edge,
      clientName: names.best(client)?.name ?? null,
      serverName: names.best(server)?.name ?? null,
      conversations,
      series: await chartSeries(deps.store, chartWindow(filter, edge, deps.now()), [{ filter, out: 'c2s' }]),
    };
    return c.json(body);
  });
}

function required(q: Query, name: string): string {
  const v = q.one(name);
  if (v === undefined || v.trim() === '') throw new UsageError(`${name}: required (the edge is client, server, port and proto)`);
  return v;
}
