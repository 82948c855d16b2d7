/**
 * The OpenAPI 3.1 description of /api/v1, built from the same zod schemas the answers are checked
 * against (schemas.ts) and the same parameter lists the routes accept (query.ts). A test holds the
 * document and the app's routes equal.
 */
import { z } from 'zod';
import { FORMATS } from '../export/formats.js';
import { DEFAULT_LIMIT, MAX_LIMIT } from '../filter/parse.js';
import { MAX_TOP_EDGES } from '../graph/build.js';
import { registry } from './schemas.js';
import { FILTER_PARAMS } from './query.js';
import { EXPORT_QUERY_PARAMS, FORMAT_FILES } from './routes/export.js';
import { DEFAULT_GRAPH_TOP, GRAPH_QUERY_PARAMS } from './routes/graph.js';
import { TOP_PER_PARAMS } from './routes/top.js';
import { CRITICAL_QUERY_PARAMS, DEPS_QUERY_PARAMS, PLAN_QUERY_PARAMS, TIMESERIES_QUERY_PARAMS } from './routes/analysis.js';
import { MAX_WAVES } from '../analysis/options.js';
import { KEEPALIVE_MS } from './routes/events.js';
import { DIFF_QUERY_PARAMS } from './routes/diff.js';
import { REPORT_FILES, REPORT_QUERY_PARAMS } from './routes/report.js';

type Json = Record<string, unknown>;

const list = (description: string): Json => ({ description, schema: { type: 'array', items: { type: 'string' } }, style: 'form', explode: true });
const text = (description: string, schema: Json = { type: 'string' }): Json => ({ description, schema });

/** Query parameters, by name (descriptions say what the CLI option of the same meaning says). */
const PARAMS: Record<string, Json> = {
  subnet: list('Both ends inside one of these CIDRs (repeatable or comma list), as --subnet'),
  exclude: list('Drop records with either end in one of these addresses or CIDRs, as --exclude'),
  host: list('Only records with either end in one of these addresses or CIDRs, as --host'),
  client: list('Only records whose client is in one of these addresses or CIDRs, as --client'),
  server: list('Only records whose server is in one of these addresses or CIDRs, as --server'),
  port: list('Server port(s), e.g. 443 or 80,8080, as --port'),
  proto: list('Protocol name or number, e.g. tcp, as --proto'),
  exporter: list('Only records reported by one of these flow exporters (addresses), as --exporter'),
  interface: list('Only records whose input or output exporter interface (SNMP ifIndex) is one of these, as --interface'),
  since: text('Records seen since: ISO 8601 (UTC unless a zone is given) or relative to the server clock, e.g. 2h'),
  until: text('Records seen until: ISO 8601 or relative, e.g. 30m'),
  minBytes: text('Drop rows (graph: edges after grouping) below this total, e.g. 10MB'),
  limit: text(`Rows returned, 1-${MAX_LIMIT}`, { type: 'integer', minimum: 1, maximum: MAX_LIMIT, default: DEFAULT_LIMIT }),
  groupBy: text('Nodes are hosts, config groups, or subnets: host | group | subnet[/len[,v6len]]', { type: 'string', default: 'host' }),
  top: text('Keep the N heaviest dependencies (0 = all)', { type: 'integer', minimum: 0, maximum: MAX_TOP_EDGES, default: DEFAULT_GRAPH_TOP }),
  other: text('Dependencies beyond top / minBytes: folded into one "other" node, or dropped', { type: 'string', enum: ['fold', 'drop'], default: 'fold' }),
  clusters: text('apps: hosts drawn inside the applications flowmap finds (or their config groups), the shared services in a container apart (groupBy=host)', { type: 'string', enum: ['none', 'apps'], default: 'none' }),
  layout: text('Layout of positioned formats (svg, drawio, lucid, graphml): clusters puts applications in blocks and the shared services in a band (the default with clusters=apps)', { type: 'string', enum: ['layered', 'force', 'clusters'] }),
  target: text('An address, a CIDR, a host name known to flowmap (wildcards * ?), or a config group'),
  direction: text('down: what the target depends on; up: what depends on it (blast radius); both', { type: 'string', enum: ['down', 'up', 'both'], default: 'down' }),
  depth: text('Hops to follow (absent: all)', { type: 'integer', minimum: 1 }),
  waves: text('Number of waves (move groups)', { type: 'integer', minimum: 1, maximum: MAX_WAVES }),
  maxHosts: text('No wave holds more than this many hosts (default: a quarter over an even share, at least the largest application)', { type: 'integer', minimum: 1 }),
  pin: list('HOST=W: the host goes in wave W (repeatable)'),
  together: list('A,B,...: these hosts move in the same wave (repeat for more groups)'),
  apart: list('A,B: these two hosts move in different waves (repeat for more pairs)'),
  shared: text('Shared services kept out of the waves: auto, none, or HOST,HOST,...', { type: 'string', default: 'auto' }),
  bucket: text('Bucket width, 1s to 1d, e.g. 5m (plan: default 5m, wider for long windows; timeseries: default the narrowest giving at most 500 buckets)'),
  per: text('The top N (limit) of every interval of this width, 1s to 1d, e.g. 5m (not for flows)'),
  by: text('What is ranked and charted', { type: 'string', enum: ['edges', 'talkers', 'services', 'interfaces', 'total'], default: 'edges' }),
  before: text('The earlier window, FROM..TO: each end ISO 8601 or relative to the server clock, e.g. 2h..1h'),
  after: text('The later window, FROM..TO, e.g. 1h..now'),
  format: text('Report format: html (self-contained, prints to PDF) or md (Markdown, maps as Mermaid)', { type: 'string', enum: ['html', 'md'], default: 'html' }),
  threshold: text('A dependency changed when after/before is at least this or at most its inverse (rates when the windows differ in length)', { type: 'number', exclusiveMinimum: 1, default: 2 }),
};

const FILTER = FILTER_PARAMS;
const GRAPH = GRAPH_QUERY_PARAMS;

const query = (names: readonly string[], required: readonly string[] = []): Json[] =>
  names.map((name) => ({ name, in: 'query', ...PARAMS[name], ...(required.includes(name) ? { required: true } : {}) }));
const path = (name: string, description: string, schema: Json = { type: 'string' }): Json => ({ name, in: 'path', required: true, description, schema });

const ref = (id: string): Json => ({ $ref: `#/components/schemas/${id}` });
const jsonAnswer = (id: string, description: string): Json => ({ description, content: { 'application/json': { schema: ref(id) } } });
const ERRORS: Json = {
  '400': jsonAnswer('ApiError', 'Bad parameters (the message names the parameter)'),
  '401': jsonAnswer('ApiError', 'The server has a token and the request did not carry it'),
  '403': jsonAnswer('ApiError', 'Host header not localhost/127.0.0.1/[::1] on a server bound to loopback without a token'),
};

function get(summary: string, parameters: Json[], ok: Json, description?: string): Json {
  return { get: { summary, ...(description ? { description } : {}), parameters, responses: { '200': ok, ...ERRORS } } };
}

function build(): Json {
  const { schemas } = z.toJSONSchema(registry, { uri: (id) => `#/components/schemas/${id}` });
  const top = (kind: string, id: string, what: string): Json =>
    kind === 'flows'
      ? get(`Top ${kind} by total bytes`, query(FILTER), jsonAnswer(id, `\`flowmap top --by ${kind} --json\` rows: ${what}`))
      : get(`Top ${kind} by total bytes, or with per= the top N of every interval`, query(TOP_PER_PARAMS), {
          description: `\`flowmap top --by ${kind} --json\` rows: ${what}; with per, \`top --per\` rows (TopPerResponse)`,
          content: { 'application/json': { schema: { anyOf: [ref(id), ref('TopPerResponse')] } } },
        });
  const exportTypes: Json = {};
  for (const f of FORMATS) exportTypes[FORMAT_FILES[f].type] = { schema: { type: 'string', ...(f === 'lucid' ? { contentMediaType: 'application/zip' } : {}) } };
  const paths: Json = {
    '/api/v1/meta': get('Version, store, its time span, live collection, export formats, server clock', [], jsonAnswer('MetaResponse', 'Meta')),
    '/api/v1/graph': get('The dependency graph (as `flowmap export -f json`)', query(GRAPH), jsonAnswer('DepGraph', 'Graph'), 'minBytes applies to edges after grouping; limit does not apply (top does that job).'),
    '/api/v1/top/edges': top('edges', 'TopEdgesResponse', 'client host -> server host per service'),
    '/api/v1/top/talkers': top('talkers', 'TopTalkersResponse', 'hosts'),
    '/api/v1/top/services': top('services', 'TopServicesResponse', 'server port and protocol'),
    '/api/v1/top/flows': top('flows', 'TopFlowsResponse', 'conversations'),
    '/api/v1/top/interfaces': top('interfaces', 'TopInterfacesResponse', 'flow exporter interfaces, bytes in and out'),
    '/api/v1/top/processes': get('Programs behind the traffic, from flowmap agent snapshots (as `flowmap top --by processes --json`)', query(FILTER), jsonAnswer('TopProcessesResponse', 'One row per program and host: bytes as server and as client')),
    '/api/v1/agent': {
      post: {
        summary: 'One `flowmap agent` snapshot of a host\'s sockets and their processes',
        description: 'Always needs the token (a server without one refuses agents with 401). The body is a snapshot as `flowmap agent --json` prints it, as is or with `Content-Encoding: gzip` (as the agent sends it), at most 32 MiB either way (also once unpacked); every field is validated and length-bounded.',
        requestBody: { required: true, content: { 'application/json': { schema: { type: 'object' } } } },
        responses: {
          '200': jsonAnswer('AgentResponse', 'Stored'),
          ...ERRORS,
          '401': jsonAnswer('ApiError', 'No token sent, a wrong one, or a server without a token'),
          '413': jsonAnswer('ApiError', 'The snapshot is larger than 32 MiB (sent or unpacked)'),
          '415': jsonAnswer('ApiError', 'Not sent as application/json, or with an encoding other than gzip'),
        },
      },
    },
    '/api/v1/hosts/{address}': get(
      'One host: names, group, totals, services offered, clients, what it depends on, traffic over time',
      [path('address', 'IPv4 or IPv6 address'), ...query(FILTER)],
      jsonAnswer('HostDetail', 'Host detail'),
      'limit applies to services, clients and dependsOn.',
    ),
    '/api/v1/edge': get(
      'One dependency: totals, conversations, traffic each way over time',
      query(FILTER, ['client', 'server', 'port', 'proto']).map((p) =>
        ['client', 'server', 'port', 'proto'].includes(p.name as string) ? { ...p, description: `The edge's ${p.name} (exactly one)`, schema: { type: 'string' }, style: undefined, explode: undefined } : p,
      ),
      jsonAnswer('EdgeDetail', 'Edge detail'),
    ),
    '/api/v1/deps': get('What a host depends on, or its blast radius (as `flowmap deps TARGET --json`)', query(DEPS_QUERY_PARAMS, ['target']), jsonAnswer('DepsResponse', 'Dependencies')),
    '/api/v1/deps/critical': get('Hosts ranked by blast radius (as `flowmap deps --critical --json`)', query(CRITICAL_QUERY_PARAMS), jsonAnswer('CriticalResponse', 'Ranking')),
    '/api/v1/plan': get(
      'Migration waves (as `flowmap plan --json`)',
      query(PLAN_QUERY_PARAMS, ['waves']),
      jsonAnswer('PlanResponse', 'The plan'),
      'Impossible constraints are answered with 400 and the conflict named.',
    ),
    '/api/v1/timeseries': get(
      'Traffic over time of the top N keys, with peak, p95 and average rates (as `flowmap timeseries --json`)',
      query(TIMESERIES_QUERY_PARAMS),
      jsonAnswer('TimeseriesResponse', 'Series'),
      'Buckets are UTC multiples of their width; empty ones appear and count as 0; at most 100,000 buckets.',
    ),
    '/api/v1/diff': get(
      'What changed between two windows (as `flowmap diff --json`)',
      query(DIFF_QUERY_PARAMS, ['before', 'after']),
      jsonAnswer('DiffResponse', 'The drift'),
      'The windows may overlap (a note says so); windows of different lengths compare rates.',
    ),
    '/api/v1/report': get(
      'The migration / DR report as a file download (as `flowmap report`; Content-Disposition: attachment; filename="flowmap-report.<ext>")',
      query(REPORT_QUERY_PARAMS),
      { description: 'The report: self-contained HTML (no script, no external request) or Markdown with Mermaid maps', content: Object.fromEntries(Object.values(REPORT_FILES).map((f) => [f.type, { schema: { type: 'string' } }])) },
      'Without waves there is no plan (no waves or shared-services sections); maxHosts, pin, together and apart need waves; before and after (both or neither) add a drift section.',
    ),
    '/api/v1/exporters': get('Exporter health (as `flowmap exporters --json`)', [], jsonAnswer('ExportersResponse', 'Exporters')),
    '/api/v1/export/{format}': get(
      'The map as a file download (Content-Disposition: attachment; filename="flowmap.<ext>")',
      [path('format', 'Export format', { type: 'string', enum: [...FORMATS] }), ...query(EXPORT_QUERY_PARAMS)],
      { description: 'The file', content: exportTypes },
      'Positioned formats (svg, drawio, lucid, graphml) are laid out on a worker thread; above 2,000 dependencies the layered layout gives way to the block layout (as layout=clusters); layout=force is refused with 400 above 3,000 dependencies (minutes).',
    ),
    '/api/v1/events': get(
      'Server-sent events',
      [],
      { description: 'text/event-stream: `hello` on connect, `flows` when records were stored (at most about once a second), `health` when exporter counters changed; data is a LiveEvent', content: { 'text/event-stream': { schema: { type: 'string' } } }, 'x-event-data': ref('LiveEvent') },
      `A comment line every ${KEEPALIVE_MS / 1000} s keeps the connection open.`,
    ),
    '/api/v1/openapi.json': get('This document', [], { description: 'OpenAPI 3.1', content: { 'application/json': { schema: { type: 'object' } } } }),
  };
  for (const p of Object.values(paths) as Json[]) {
    const op = p.get as { parameters: Json[] } | undefined;
    if (op) op.parameters = op.parameters.map((x) => Object.fromEntries(Object.entries(x).filter(([, v]) => v !== undefined)));
  }
  return {
    openapi: '3.1.0',
    info: { title: 'flowmap', version: '1', description: 'Who talks to whom, on what, how much: the JSON API behind the flowmap page (`flowmap serve`).' },
    paths,
    components: {
      schemas: Object.fromEntries(Object.entries(schemas).map(([id, s]) => [id, stripDialect(s as Json)])),
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'Needed when the server was started with a token (--token, config serve.token, FLOWMAP_TOKEN)' },
        cookie: { type: 'apiKey', in: 'cookie', name: 'flowmap_token', description: 'Set by opening /?token=TOKEN once' },
      },
    },
    // Either scheme when a token is configured; none otherwise.
    security: [{ bearer: [] }, { cookie: [] }, {}],
  };
}

/** Component schemas live inside the document: no per-schema $schema / $id. */
function stripDialect(s: Json): Json {
  const rest = { ...s };
  delete rest.$schema;
  delete rest.$id;
  return rest;
}

let doc: Json | undefined;
export function openApiDocument(): Json {
  doc ??= build();
  return doc;
}
