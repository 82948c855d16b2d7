/**
 * The web API's answers as zod schemas: the OpenAPI document is generated from them, and the tests
 * check real answers against them. The compile-time checks at the end keep each schema equal to its
 * type in src/api/types.ts (a field added to one and not the other fails the build).
 */
import { z } from 'zod';
import { NAME_SOURCES } from '../names/names.js';
import type * as Api from '../api/types.js';

/** Schemas registered here become components/schemas/{id} in the OpenAPI document. */
export const registry = z.registry<{ id: string; description?: string }>();

const count = z.number().int().min(0);
const port = z.number().int().min(0).max(65535);
const iso = z.string().describe('ISO 8601 UTC time, millisecond resolution');
const address = z.string().describe('IPv4 dotted quad or IPv6 (RFC 5952)');

const directedTotals = {
  bytes_c2s: count.describe('IP-layer octets client to server'),
  bytes_s2c: count.describe('IP-layer octets server to client'),
  bytes: count,
  packets: count,
  first_seen: iso,
  last_seen: iso,
};

export const apiError = z.object({ error: z.string() }).register(registry, { id: 'ApiError', description: 'Body of every 4xx/5xx answer' });

export const nameRow = z
  .object({ address, name: z.string(), source: z.enum(NAME_SOURCES), first_seen: z.string(), last_seen: z.string() })
  .register(registry, { id: 'NameRow', description: 'One host name and where it was seen (times are empty for names from the config file)' });

/** What names one dependency (client, server, server port, protocol) and its service. */
const dependencyKey = { client: address, server: address, port, proto: z.string(), service: z.string().nullable() };

/** The programs at both ends, from `flowmap agent` snapshots. */
const processPair = {
  server_process: z.string().nullable().describe('the program that listened on the server port during the traffic (from flowmap agent), null when unknown'),
  client_process: z.string().nullable().describe('the program that owned the client side, where an agent ran on the client, else null'),
};

export const edgeRow = z
  .object({
    ...dependencyKey,
    ...directedTotals,
    connections: count.describe('conversations begun (sum of the records\' conversation starts), not records'),
    ...processPair,
  })
  .register(registry, { id: 'EdgeRow', description: 'One dependency: client host -> server host per server port and protocol' });

export const talkerRow = z
  .object({
    host: address,
    bytes_sent: count,
    bytes_received: count,
    bytes: count,
    packets: count,
    peers: count,
    connections: count,
    first_seen: iso,
    last_seen: iso,
  })
  .register(registry, { id: 'TalkerRow', description: 'One host, whichever side it was on' });

export const interfaceRow = z
  .object({
    exporter: address.describe('flow exporter address (NetFlow/IPFIX sender, sFlow agent)'),
    if_index: z.number().int().min(0).max(0xffff_ffff).describe('SNMP ifIndex; 0 when the exporter did not say'),
    if_name: z.string().nullable().describe('name from the config file (exporters[].interfaces), null when unnamed'),
    bytes_in: count.describe('IP-layer octets that entered the exporter through this interface'),
    bytes_out: count.describe('IP-layer octets that left the exporter through this interface'),
    bytes: count,
    packets_in: count,
    packets_out: count,
    first_seen: iso,
    last_seen: iso,
  })
  .register(registry, { id: 'InterfaceRow', description: 'One interface of one flow exporter, traffic each way (captures have none)' });

export const serviceRow = z
  .object({
    port, proto: z.string(), service: z.string().nullable(), servers: count, clients: count, connections: count, ...directedTotals,
    processes: z.array(z.string()).describe('programs seen listening on this port (flowmap agent), most servers first'),
  })
  .register(registry, { id: 'ServiceRow', description: 'One service: server port and protocol' });

export const conversationRow = z
  .object({
    client: address,
    client_port: port,
    server: address,
    port,
    proto: z.string(),
    vlan: z.number().int().min(0),
    service: z.string().nullable(),
    packets_c2s: count,
    packets_s2c: count,
    records: count,
    ...directedTotals,
    ...processPair,
  })
  .register(registry, { id: 'ConversationRow', description: 'One conversation: every record of the same transport tuple summed' });

export const storeStats = z
  .object({ records: count, firstSeen: iso.nullable(), lastSeen: iso.nullable() })
  .register(registry, { id: 'StoreStats' });

export const exporterHealthRow = z
  .object({
    exporter: z.string(),
    domain: count,
    protocol: z.string(),
    datagrams: count,
    records: count,
    sequence_gaps: count,
    template_misses: count,
    errors: count,
    error_reasons: z.record(z.string(), count),
    sampling_rate: count,
    kernel_drops: count,
    last_seen: iso.nullable(),
  })
  .register(registry, { id: 'ExporterHealthRow' });

export const graphNode = z
  .object({
    id: z.string(),
    kind: z.enum(['host', 'group', 'subnet', 'other']),
    key: z.string(),
    label: z.string(),
    name: z.string().optional(),
    nameSource: z.enum(NAME_SOURCES).optional(),
    addresses: z.array(address),
    group: z.string().optional(),
    bytesServed: count,
    bytesUsed: count,
  })
  .register(registry, { id: 'GraphNode' });

export const graphEdge = z
  .object({
    id: z.string(),
    source: z.string().describe('client-side node id'),
    target: z.string().describe('server-side node id'),
    port,
    proto: z.string().describe('`various` for folded "other" traffic'),
    service: z.string().nullable(),
    process: z.string().nullable().describe('the program listening on the server side (flowmap agent), null when unknown'),
    ...directedTotals,
    connections: count,
  })
  .register(registry, { id: 'GraphEdge' });

export const graphGroup = z.object({ id: z.string(), name: z.string(), members: z.array(z.string()), shared: z.boolean().optional() }).register(registry, { id: 'GraphGroup' });

export const graphMeta = z
  .object({ groupBy: z.string(), totalEdges: count, totalBytes: count, cutEdges: count, cutBytes: count, other: z.enum(['fold', 'drop']) })
  .register(registry, { id: 'GraphMeta' });

export const depGraph = z
  .object({ nodes: z.array(graphNode), edges: z.array(graphEdge), groups: z.array(graphGroup), meta: graphMeta })
  .register(registry, { id: 'DepGraph', description: 'The dependency graph, as `flowmap export -f json` writes it' });

export const liveInfo = z.object({ sources: z.array(z.string()), startedAt: iso }).register(registry, { id: 'LiveInfo' });

export const metaResponse = z
  .object({
    version: z.string(),
    store: z.object({ backend: z.enum(['duckdb', 'mariadb', 'clickhouse']), display: z.string() }),
    stats: storeStats,
    live: liveInfo.nullable(),
    formats: z.array(z.string()),
    now: iso,
  })
  .register(registry, { id: 'MetaResponse' });

export const seriesPoint = z.object({ t: iso, out: count, in: count, packets: count }).register(registry, { id: 'SeriesPoint' });
export const series = z.object({ bucketMs: z.number().int().min(1), points: z.array(seriesPoint) }).register(registry, { id: 'Series' });

export const listeningProcess = z
  .object({
    process: z.string().describe('process name (comm), else the executable\'s base name'),
    port,
    proto: z.string(),
    pid: z.number().int().min(0),
    user: z.string(),
    exe: z.string(),
    cmdline: z.string().describe('truncated; never the environment'),
    container: z.string().describe("container id, '' on the host"),
    first_seen: iso,
    last_seen: iso,
  })
  .register(registry, { id: 'ListeningProcess', description: 'A program seen listening on a host by flowmap agent' });

export const processRow = z
  .object({
    host: address,
    process: z.string(),
    ports: z.array(z.string()).describe('ports it listened on that carried traffic, e.g. 8086/tcp'),
    bytes_served: count,
    bytes_used: count,
    bytes: count,
    clients: count,
    servers: count,
    connections: count,
    first_seen: iso,
    last_seen: iso,
  })
  .register(registry, { id: 'ProcessRow', description: 'One program on one host: its traffic as a server and as a client' });

export const agentResponse = z
  .object({ host: z.string(), sockets: count, rows: count, new_periods: count, extended: count, without_process: count })
  .register(registry, { id: 'AgentResponse', description: 'What one agent snapshot did to the store' });

export const hostDetail = z
  .object({
    address,
    name: z.string().nullable(),
    nameSource: z.string().nullable(),
    names: z.array(nameRow),
    group: z.string().nullable(),
    totals: talkerRow.nullable(),
    services: z.array(serviceRow),
    clients: z.array(edgeRow),
    dependsOn: z.array(edgeRow),
    processes: z.array(listeningProcess),
    series,
  })
  .register(registry, { id: 'HostDetail' });

export const edgeDetail = z
  .object({ edge: edgeRow.nullable(), clientName: z.string().nullable(), serverName: z.string().nullable(), conversations: z.array(conversationRow), series })
  .register(registry, { id: 'EdgeDetail' });

const rowsOf = <T extends z.ZodType>(row: T) => z.object({ rows: z.array(row) });
export const topEdges = rowsOf(edgeRow).register(registry, { id: 'TopEdgesResponse' });
export const topTalkers = rowsOf(talkerRow).register(registry, { id: 'TopTalkersResponse' });
export const topServices = rowsOf(serviceRow).register(registry, { id: 'TopServicesResponse' });
export const topProcesses = rowsOf(processRow).register(registry, { id: 'TopProcessesResponse' });
export const topFlows = rowsOf(conversationRow).register(registry, { id: 'TopFlowsResponse' });
export const topInterfaces = rowsOf(interfaceRow).register(registry, { id: 'TopInterfacesResponse' });
export const exportersResponse = rowsOf(exporterHealthRow).register(registry, { id: 'ExportersResponse' });

export const liveEvent = z
  .object({ stored: count.describe('records stored by this process since it started'), lastSeen: iso.nullable() })
  .register(registry, { id: 'LiveEvent' });

const hostRefFields = { address, name: z.string().nullable(), group: z.string().nullable() };
export const hostRef = z.object(hostRefFields).register(registry, { id: 'HostRef', description: 'A host: address, best known name, config group' });

export const depsHost = z
  .object({
    ...hostRefFields,
    distance: z.number().int().min(1).describe('fewest client -> server hops from the target'),
    relation: z.enum(['down', 'up', 'both']).describe('down: the target depends on it; up: it depends on the target'),
  })
  .register(registry, { id: 'DepsHost' });
export const depsEdge = edgeRow.extend({ distance: z.number().int().min(1).describe('the hop at which this dependency is taken') }).register(registry, { id: 'DepsEdge' });
export const depsResponse = z
  .object({
    target: z.string(),
    targets: z.array(hostRef),
    direction: z.enum(['down', 'up', 'both']),
    depth: z.number().int().min(1).nullable(),
    hosts: z.array(depsHost),
    edges: z.array(depsEdge),
  })
  .register(registry, { id: 'DepsResponse', description: '`flowmap deps TARGET --json`' });

export const criticalHost = z
  .object({ ...hostRefFields, dependents_direct: count, dependents_total: count, services: z.array(z.string()), bytes: count })
  .register(registry, { id: 'CriticalHost', description: 'A host ranked by blast radius' });
export const criticalResponse = rowsOf(criticalHost).register(registry, { id: 'CriticalResponse' });

export const crossEdge = edgeRow
  .extend({
    other_wave: z.number().int().min(1).nullable().describe("the other end's wave; null for a shared service"),
    p95_bps: z.number().min(0).nullable().describe('95th percentile rate over the window, bits per second (nearest rank)'),
  })
  .register(registry, { id: 'CrossEdge' });
export const planWave = z
  .object({
    wave: z.number().int().min(1),
    hosts: z.array(hostRef),
    bytes_internal: count,
    bytes_cross: count,
    cross: z.array(crossEdge),
    cross_p95_bps: z.number().min(0).nullable().describe("p95 of the wave's total cross traffic per bucket, bits per second: the link it needs in flight"),
    cross_peak_bps: z.number().min(0).nullable().describe("peak of the wave's total cross traffic per bucket, bits per second"),
  })
  .register(registry, { id: 'PlanWave' });
export const sharedHost = z
  .object({
    ...hostRefFields,
    role: z.enum(['server', 'client']),
    services: z.array(z.string()),
    waves: z.array(z.number().int().min(1)),
    per_wave: z.array(z.object({ wave: z.number().int().min(1), bytes: count })),
    bytes: count,
    found: z.enum(['auto', 'listed']),
  })
  .register(registry, { id: 'SharedHost' });
export const planCut = z.object({ bytes: count, dependencies: count }).register(registry, { id: 'PlanCut' });
export const planResponse = z
  .object({
    waves: z.array(planWave),
    shared: z.array(sharedHost),
    cut: planCut,
    baseline: z.object({ method: z.string(), cut: planCut }),
    max_hosts: z.number().int().min(1),
    max_hosts_given: z.boolean(),
    communities: count,
    bucket_s: z.number().int().min(1).nullable(),
  })
  .register(registry, { id: 'PlanResponse', description: '`flowmap plan --json`' });

const bps = z.number().min(0).describe('bits per second');
export const seriesBucket = z.object({ t: iso, bytes: count, bytes_c2s: count, bytes_s2c: count, packets: count }).register(registry, { id: 'SeriesBucket' });
const seriesBody = {
  peak_bps: bps, p95_bps: bps.describe('95th percentile by nearest rank, bits per second'), avg_bps: bps,
  peak_bps_c2s: bps, p95_bps_c2s: bps, avg_bps_c2s: bps, peak_bps_s2c: bps, p95_bps_s2c: bps, avg_bps_s2c: bps,
  bucket_s: z.number().int().min(1),
  buckets: z.array(seriesBucket),
};
export const timeseriesRow = z
  .discriminatedUnion('key', [
    z.object({ key: z.literal('edge'), ...dependencyKey, ...seriesBody }),
    z.object({ key: z.literal('talker'), host: address, ...seriesBody }),
    z.object({ key: z.literal('service'), port, proto: z.string(), service: z.string().nullable(), ...seriesBody }),
    z.object({ key: z.literal('interface'), exporter: z.string(), if_index: z.number().int().min(0), if_name: z.string().nullable(), ...seriesBody }),
    z.object({ key: z.literal('total'), ...seriesBody }),
  ])
  .register(registry, { id: 'TimeseriesRow', description: 'One key of `flowmap timeseries --json` (a talker: _c2s sent, _s2c received)' });
export const timeseriesResponse = rowsOf(timeseriesRow).register(registry, { id: 'TimeseriesResponse' });

export const topPerRow = z
  .object({
    t: iso.describe('start of the interval'),
    rank: z.number().int().min(1),
    client: address.optional(),
    server: address.optional(),
    host: address.optional(),
    port: port.optional(),
    proto: z.string().optional(),
    service: z.string().nullable().optional(),
    exporter: z.string().optional(),
    if_index: z.number().int().min(0).optional(),
    if_name: z.string().nullable().optional(),
    bytes_c2s: count.describe('talkers: bytes sent; interfaces: bytes in'),
    bytes_s2c: count.describe('talkers: bytes received; interfaces: bytes out'),
    bytes: count,
    packets: count,
  })
  .register(registry, { id: 'TopPerRow', description: 'One of the top N of one interval (top --per)' });
export const topPerResponse = rowsOf(topPerRow).register(registry, { id: 'TopPerResponse' });
export const diffWindow = z
  .object({ from: iso, to: iso, seconds: z.number().positive().describe('length of the window') })
  .register(registry, { id: 'DiffWindow' });
export const diffChange = z
  .object({
    ...dependencyKey,
    bytes_before: count,
    bytes_after: count,
    ratio: z.number().min(0).nullable().describe('after/before, of bytes (equal windows) or of rates (bytes per second); null when before carried 0 bytes'),
  })
  .register(registry, { id: 'DiffChange', description: 'A dependency whose traffic moved by the threshold or more' });
export const diffHost = z
  .object({ ...hostRefFields, bytes: count.describe('its bytes in the window it was seen in') })
  .register(registry, { id: 'DiffHost' });
export const diffResponse = z
  .object({
    before: diffWindow,
    after: diffWindow,
    threshold: z.number().gt(1),
    compared: z.enum(['bytes', 'rates']).describe('rates when the windows differ in length'),
    added: z.array(edgeRow).describe('in the after window only (its after-window row)'),
    removed: z.array(edgeRow).describe('in the before window only (its before-window row)'),
    changed: z.array(diffChange),
    unchanged: count,
    hosts_added: z.array(diffHost),
    hosts_removed: z.array(diffHost),
    notes: z.array(z.string()).describe('overlapping windows, an empty window, rates compared'),
  })
  .register(registry, { id: 'DiffResponse', description: '`flowmap diff --json`' });

// Compile-time: each schema's type is exactly the contract's type.
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Same<S extends z.ZodType, T> = Equal<z.infer<S>, T>;
// eslint-disable-next-line @typescript-eslint/no-unused-vars
const same = <Holds extends true>(): void => undefined;
same<Same<typeof apiError, Api.ApiError>>();
same<Same<typeof nameRow, Api.NameRow>>();
same<Same<typeof edgeRow, Api.EdgeRow>>();
same<Same<typeof talkerRow, Api.TalkerRow>>();
same<Same<typeof serviceRow, Api.ServiceRow>>();
same<Same<typeof conversationRow, Api.ConversationRow>>();
same<Same<typeof storeStats, Api.StoreStats>>();
same<Same<typeof exporterHealthRow, Api.ExporterHealthRow>>();
same<Same<typeof graphNode, Api.GraphNode>>();
same<Same<typeof graphEdge, Api.GraphEdge>>();
same<Same<typeof graphGroup, Api.GraphGroup>>();
same<Same<typeof graphMeta, Api.GraphMeta>>();
same<Same<typeof depGraph, Api.DepGraph>>();
same<Same<typeof liveInfo, Api.LiveInfo>>();
same<Same<typeof metaResponse, Api.MetaResponse>>();
same<Same<typeof seriesPoint, Api.SeriesPoint>>();
same<Same<typeof series, Api.Series>>();
same<Same<typeof hostDetail, Api.HostDetail>>();
same<Same<typeof listeningProcess, Api.ListeningProcess>>();
same<Same<typeof processRow, Api.ProcessRow>>();
same<Same<typeof topProcesses, Api.TopProcessesResponse>>();
same<Same<typeof agentResponse, Api.AgentResponse>>();
same<Same<typeof edgeDetail, Api.EdgeDetail>>();
same<Same<typeof topEdges, Api.TopEdgesResponse>>();
same<Same<typeof topTalkers, Api.TopTalkersResponse>>();
same<Same<typeof topServices, Api.TopServicesResponse>>();
same<Same<typeof topFlows, Api.TopFlowsResponse>>();
same<Same<typeof interfaceRow, Api.InterfaceRow>>();
same<Same<typeof topInterfaces, Api.TopInterfacesResponse>>();
same<Same<typeof exportersResponse, Api.ExportersResponse>>();
same<Same<typeof liveEvent, Api.LiveEvent>>();
same<Same<typeof hostRef, Api.HostRef>>();
same<Same<typeof depsHost, Api.DepsHost>>();
same<Same<typeof depsEdge, Api.DepsEdge>>();
same<Same<typeof depsResponse, Api.DepsResponse>>();
same<Same<typeof criticalHost, Api.CriticalHost>>();
same<Same<typeof criticalResponse, Api.CriticalResponse>>();
same<Same<typeof crossEdge, Api.CrossEdge>>();
same<Same<typeof planWave, Api.PlanWave>>();
same<Same<typeof sharedHost, Api.SharedHost>>();
same<Same<typeof planCut, Api.PlanCut>>();
same<Same<typeof planResponse, Api.PlanResponse>>();
same<Same<typeof timeseriesRow, Api.TimeseriesRow>>();
same<Same<typeof timeseriesResponse, Api.TimeseriesResponse>>();
same<Same<typeof topPerRow, Api.TopPerRow>>();
same<Same<typeof topPerResponse, Api.TopPerResponse>>();
same<Same<typeof diffWindow, Api.DiffWindow>>();
same<Same<typeof diffChange, Api.DiffChange>>();
same<Same<typeof diffHost, Api.DiffHost>>();
same<Same<typeof diffResponse, Api.DiffResponse>>();
