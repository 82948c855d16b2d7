import type { Hono } from 'hono';
import { parseCidr, rangeContains } from '../../filter/cidr.js';
import type { AddrRange, FlowFilter } from '../../filter/filter.js';
import { MAX_LIMIT } from '../../filter/parse.js';
import { NameBook } from '../../names/names.js';
import { runTop } from '../../query/top.js';
import { listeningProcesses } from '../../query/processes.js';
import { UsageError } from '../../util/errors.js';
import { tryParseIp } from '../../util/ip.js';
import type { HostDetail } from '../../api/types.js';
import type { ApiDeps } from '../deps.js';
import { FILTER_PARAMS, Query, filterFromQuery } from '../query.js';
import { chartSeries, chartWindow } from '../series.js';

/**
 * GET /api/v1/hosts/{address}: who talks to this host, on what, how much, since when; and what it
 * depends on. Every part is a `top` query under the request's filter, narrowed to the host.
 */
export function registerHosts(app: Hono, deps: ApiDeps): void {
  app.get('/api/v1/hosts/:address', async (c) => {
    const host = hostRange(c.req.param('address'));
    const address = host.text;
    const filter = filterFromQuery(Query.parse(c.req.url, FILTER_PARAMS), deps.now());
    const { store, services } = deps;
    // The host as the server, and as the client; null when the filter's own ends rule that out.
    const asServer = narrow(filter, 'servers', host);
    const asClient = narrow(filter, 'clients', host);
    const [totals, served, clients, dependsOn, seen, processes] = await Promise.all([
      talkerTotals(deps, filter, host),
      // Every service it offers, as the map's group rules see them (before minBytes, as loadGraph).
      asServer ? runTop(store, 'services', { ...asServer, minBytes: undefined, limit: MAX_LIMIT }, services) : [],
      asServer ? runTop(store, 'edges', asServer, services) : [],
      asClient ? runTop(store, 'edges', asClient, services) : [],
      store.names([address]),
      listeningProcesses(store, address, filter),
    ]);
    const rows = [...deps.configNames.filter((n) => n.address === address), ...seen];
    const best = new NameBook(rows).best(address);
    // The group as the map assigns it: by address, name, or a service it offers.
    const group = deps.groups.size ? deps.groups.assign({ address, name: best?.name, served: served.map((s) => ({ port: s.port, proto: s.proto })) }) : undefined;
    const parts = [
      ...(asClient ? [{ filter: asClient, out: 'c2s' as const }] : []),
      ...(asServer ? [{ filter: asServer, out: 's2c' as const }] : []),
    ];
    const body: HostDetail = {
      address,
      name: best?.name ?? null,
      nameSource: best?.source ?? null,
      names: rows,
      group: group ?? null,
      totals,
      services: served.filter((s) => filter.minBytes === undefined || s.bytes >= filter.minBytes).slice(0, filter.limit),
      clients,
      dependsOn,
      processes,
      series: await chartSeries(store, chartWindow(filter, totals, deps.now()), parts),
    };
    return c.json(body);
  });
}

/** The path's address as a single-host range (IPv6 in canonical form). */
function hostRange(text: string): AddrRange {
  if (tryParseIp(text) === null) throw new UsageError(`address: ${JSON.stringify(text)} is not an IPv4 or IPv6 address`);
  return parseCidr(text, 'address');
}

/**
 * The filter with one end fixed to the host. The request may already restrict that end (client= /
 * server=): both must hold, so the host must lie in one of those ranges, else nothing matches.
 */
function narrow(f: FlowFilter, end: 'clients' | 'servers', host: AddrRange): FlowFilter | null {
  const given = f[end];
  if (given.length > 0 && !given.some((r) => rangeContains(r, host.hiMin, host.loMin))) return null;
  return { ...f, [end]: [host] };
}

/** The host's row of `top --by talkers` under the filter, or null when it has no traffic there. */
async function talkerTotals(deps: ApiDeps, filter: FlowFilter, host: AddrRange): Promise<HostDetail['totals']> {
  // Either end = the host: its own row is the heaviest, and at most one peer can tie with it (the
  // peer of every one of its records), so three rows always hold it. When the request's host=
  // ranges leave the host out, its row among theirs is the answer (all rows then).
  const inside = filter.hosts.length === 0 || filter.hosts.some((r) => rangeContains(r, host.hiMin, host.loMin));
  const f: FlowFilter = inside ? { ...filter, hosts: [host], limit: 3 } : { ...filter, limit: MAX_LIMIT };
  const rows = await runTop(deps.store, 'talkers', f, deps.services);
  return rows.find((r) => r.host === host.text) ?? null;
}
