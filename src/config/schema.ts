/** The config file's schema (zod) and validation: loaded only when a config file exists. */
import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { parseCidr } from '../filter/cidr.js';
import { canonicalAddr, tryParseIp } from '../util/ip.js';
import { parseDuration } from '../util/duration.js';
import { UsageError } from '../util/errors.js';
import { DEFAULT_FLOWS, TOKEN_PATTERN, TOKEN_RULE, type FlowmapConfig } from './model.js';
import { parseProto, protoName } from '../util/protocols.js';

const PORT_MSG = 'expected a number 0-65535';
const DURATION_MSG = 'expected a duration like 15s, 2m, 1h or a number of seconds';

const duration = z
  .union([z.number(), z.string()], { error: DURATION_MSG })
  .transform((v, ctx) => {
    try {
      return parseDuration(v);
    } catch {
      ctx.issues.push({ code: 'custom', message: DURATION_MSG, input: v });
      return z.NEVER;
    }
  });

const serviceSchema = z.strictObject({
  port: z.number({ error: PORT_MSG }).int(PORT_MSG).min(0, PORT_MSG).max(65535, PORT_MSG),
  proto: z
    .string({ error: 'expected tcp, udp or sctp' })
    .refine((p) => [6, 17, 132].includes(parseProto(p) ?? -1), 'expected tcp, udp or sctp')
    .optional(),
  name: z.string({ error: 'expected a name (text)' }).trim().min(1, 'must not be empty').max(64, 'at most 64 characters'),
});

const NAME_MSG = 'expected a host name (text, at most 253 characters)';
const namesSchema = z
  .record(z.string(), z.string({ error: NAME_MSG }).trim().min(1, 'must not be empty').max(253, NAME_MSG), { error: 'expected a mapping of address: name' })
  .superRefine((m, ctx) => {
    for (const k of Object.keys(m)) {
      if (tryParseIp(k.trim()) === null) ctx.addIssue({ code: 'custom', path: [k], message: 'expected an IPv4 or IPv6 address as the key', input: k });
    }
  });

const SERVES_MSG = 'expected a port (8086) or port/protocol (8086/tcp)';
const servesSchema = z.union([z.number(), z.string()], { error: SERVES_MSG }).transform((v, ctx) => {
  const m = /^(\d{1,5})(?:\/([a-z0-9]+))?$/i.exec(String(v).trim());
  const proto = m?.[2] === undefined ? undefined : parseProto(m[2]);
  if (!m || Number(m[1]) > 65535 || (m[2] !== undefined && proto === undefined)) {
    ctx.issues.push({ code: 'custom', message: SERVES_MSG, input: v });
    return z.NEVER;
  }
  return proto === undefined ? { port: Number(m[1]) } : { port: Number(m[1]), proto: protoName(proto) };
});

const groupSchema = z
  .strictObject({
    name: z.string({ error: 'expected a group name (text)' }).trim().min(1, 'must not be empty').max(100, 'at most 100 characters'),
    subnets: z.array(z.string().refine((c) => isCidr(c), 'expected an address or CIDR, e.g. 10.0.1.0/24'), { error: 'expected a list of CIDRs' }).optional(),
    names: z.array(z.string().min(1, 'must not be empty'), { error: 'expected a list of name patterns (* and ? wildcards)' }).optional(),
    serves: z.array(servesSchema, { error: 'expected a list of ports, e.g. [8086, 443/tcp]' }).optional(),
  }, { error: 'expected a mapping { name, subnets, names, serves }' })
  .refine((g) => (g.subnets?.length ?? 0) + (g.names?.length ?? 0) + (g.serves?.length ?? 0) > 0, 'a group needs at least one of subnets, names, serves');

const ADDRESS_MSG = 'expected an IPv4 or IPv6 address';
const TOKEN_MSG = TOKEN_RULE;

const exporterSchema = z.strictObject({
  address: z.string({ error: ADDRESS_MSG }).refine((a) => tryParseIp(a) !== null, ADDRESS_MSG),
  samplingRate: z
    .number({ error: 'expected a whole number, 1 or more (1 in N packets sampled)' })
    .int('expected a whole number, 1 or more (1 in N packets sampled)')
    .min(1, 'expected a whole number, 1 or more (1 in N packets sampled)')
    .max(0xffffffff, 'at most 4294967295')
    .optional(),
  interfaces: z
    .record(
      z.string().regex(/^\d{1,10}$/, 'expected an interface index (SNMP ifIndex, a whole number)').refine((k) => Number(k) <= 0xffffffff, 'at most 4294967295'),
      z.string({ error: 'expected an interface name (text)' }).trim().min(1, 'must not be empty').max(100, 'at most 100 characters'),
      { error: 'expected a mapping of interface index (SNMP ifIndex, a whole number) to name, e.g. { 3: uplink-dc2 }' },
    )
    .optional(),
}).refine((e) => e.samplingRate !== undefined || e.interfaces !== undefined, 'an exporter needs samplingRate or interfaces');

const configSchema = z.strictObject({
  names: namesSchema.optional(),
  groups: z.array(groupSchema, { error: 'expected a list of groups' }).optional(),
  db: z.string({ error: 'expected a path or store spec (text)' }).min(1, 'must not be empty').optional(),
  retention: duration.refine((ms) => ms > 0, 'must be more than 0').optional(),
  services: z.array(serviceSchema, { error: 'expected a list of { port, proto, name }' }).optional(),
  flows: z
    .strictObject({
      idleTimeout: duration.refine((ms) => ms > 0, 'must be more than 0').optional(),
      activeTimeout: duration.refine((ms) => ms > 0, 'must be more than 0').optional(),
      maxFlows: z.number({ error: 'expected a whole number' }).int('expected a whole number').min(1, 'must be at least 1').optional(),
      conversationMemory: z.number({ error: 'expected a whole number' }).int('expected a whole number').min(1, 'must be at least 1').optional(),
    }, { error: 'expected a mapping (idleTimeout, activeTimeout, maxFlows, conversationMemory)' })
    .optional(),
  exporters: z
    .array(exporterSchema, { error: 'expected a list of { address, samplingRate, interfaces }' })
    .refine((es) => new Set(es.map((e) => tryParseIp(e.address)?.join('.'))).size === es.length, 'each exporter address at most once')
    .optional(),
  serve: z
    .strictObject({
      port: z.number({ error: PORT_MSG }).int(PORT_MSG).min(0, PORT_MSG).max(65535, PORT_MSG).optional(),
      listen: z.string({ error: ADDRESS_MSG }).refine((a) => tryParseIp(a) !== null, ADDRESS_MSG).optional(),
      token: z.string({ error: TOKEN_MSG }).regex(TOKEN_PATTERN, TOKEN_MSG).optional(),
      tlsCert: z.string({ error: 'expected a file name' }).min(1).optional(),
      tlsKey: z.string({ error: 'expected a file name' }).min(1).optional(),
    }, { error: 'expected a mapping (port, listen, token, tlsCert, tlsKey)' })
    .refine((s) => (s.tlsCert === undefined) === (s.tlsKey === undefined), 'tlsCert and tlsKey go together')
    .optional(),
}, { error: 'expected a mapping at the top level' });

function isCidr(text: string): boolean {
  try {
    parseCidr(text);
    return true;
  } catch {
    return false;
  }
}

/** `services[2].port` from a zod path. */
function pathText(path: ReadonlyArray<PropertyKey>): string {
  let s = '';
  for (const p of path) s += typeof p === 'number' ? `[${p}]` : `${s === '' ? '' : '.'}${String(p)}`;
  return s;
}

/** Validate already-parsed config data. `label` names the file in messages. */
export function parseConfig(data: unknown, label: string, baseDir = process.cwd()): FlowmapConfig {
  const r = configSchema.safeParse(data ?? {});
  if (!r.success) {
    const lines = r.error.issues.slice(0, 5).map((i) => {
      const where = pathText(i.path);
      const msg = i.code === 'unrecognized_keys' ? `unknown key${i.keys.length > 1 ? 's' : ''} ${i.keys.join(', ')}` : i.message;
      return `config file ${label}: ${where ? `${where}: ` : ''}${msg}`;
    });
    throw new UsageError(lines.join('\n'));
  }
  const c = r.data;
  return {
    path: label,
    db: c.db === undefined ? undefined : resolveDb(c.db, baseDir),
    ...(c.retention === undefined ? {} : { retentionMs: c.retention }),
    services: (c.services ?? []).map((s) => (s.proto === undefined ? { port: s.port, name: s.name } : { port: s.port, proto: s.proto, name: s.name })),
    flows: {
      idleTimeoutMs: c.flows?.idleTimeout ?? DEFAULT_FLOWS.idleTimeoutMs,
      activeTimeoutMs: c.flows?.activeTimeout ?? DEFAULT_FLOWS.activeTimeoutMs,
      maxFlows: c.flows?.maxFlows ?? DEFAULT_FLOWS.maxFlows,
      conversationMemory: c.flows?.conversationMemory ?? DEFAULT_FLOWS.conversationMemory,
    },
    names: Object.entries(c.names ?? {}).map(([address, name]) => ({ address: canonicalAddr(address.trim()), name })),
    groups: (c.groups ?? []).map((g) => ({ name: g.name, subnets: g.subnets ?? [], names: g.names ?? [], serves: g.serves ?? [] })),
    exporters: (c.exporters ?? []).map((e) => ({
      address: canonicalAddr(e.address),
      ...(e.samplingRate === undefined ? {} : { samplingRate: e.samplingRate }),
      interfaces: Object.entries(e.interfaces ?? {}).map(([k, name]) => ({ ifIndex: Number(k), name })).sort((a, b) => a.ifIndex - b.ifIndex),
    })),
    serve: {
      ...c.serve,
      ...(c.serve?.tlsCert === undefined ? {} : { tlsCert: resolve(baseDir, c.serve.tlsCert) }),
      ...(c.serve?.tlsKey === undefined ? {} : { tlsKey: resolve(baseDir, c.serve.tlsKey) }),
    },
  };
}

/** A relative DuckDB path in the config means "next to the config file", not the caller's cwd. */
function resolveDb(spec: string, baseDir: string): string {
  if (spec.includes('://') || spec === ':memory:' || spec === 'duckdb::memory:') return spec;
  const prefixed = spec.startsWith('duckdb:');
  const p = prefixed ? spec.slice('duckdb:'.length) : spec;
  const abs = isAbsolute(p) ? p : resolve(baseDir, p);
  return prefixed ? `duckdb:${abs}` : abs;
}

