import { UsageError } from '../util/errors.js';
import { BUILTIN_SERVICES } from './builtin.js';
import { parseProto } from '../util/protocols.js';

/** A config entry: give `port` (on `proto`, or on tcp and udp when omitted) the name `name`. */
export interface ServiceOverride {
  port: number;
  proto?: string | number;
  name: string;
}

const PORT_PROTOS = new Set([6, 17, 132]);
const key = (port: number, proto: number): number => proto * 65536 + port;

/**
 * Port -> service name, per IP protocol (6 tcp, 17 udp, 132 sctp). Immutable: withOverrides returns
 * a new registry, so the built-in table is shared.
 */
export class ServiceRegistry {
  private constructor(private readonly names: ReadonlyMap<number, string>) {}

  private static builtinInstance: ServiceRegistry | undefined;

  static builtin(): ServiceRegistry {
    if (!this.builtinInstance) this.builtinInstance = new ServiceRegistry(parseTable(BUILTIN_SERVICES));
    return this.builtinInstance;
  }

  /** A registry where each override replaces or adds a name. Later overrides win. */
  withOverrides(overrides: readonly ServiceOverride[]): ServiceRegistry {
    if (overrides.length === 0) return this;
    const m = new Map(this.names);
    overrides.forEach((o, i) => {
      const where = `services[${i}]`;
      if (!Number.isInteger(o.port) || o.port < 0 || o.port > 65535) throw new UsageError(`${where}.port: expected a number 0-65535`);
      const name = o.name.trim();
      if (name === '') throw new UsageError(`${where}.name: must not be empty`);
      for (const proto of overrideProtos(o.proto, where)) m.set(key(o.port, proto), name);
    });
    return new ServiceRegistry(m);
  }

  /** Service name for a server port, or null when unregistered (or the protocol has no ports). */
  name(port: number, proto: number): string | null {
    return this.names.get(key(port, proto)) ?? null;
  }

  /** True for a registered port; direction inference prefers such a port as the server side. */
  isService(port: number, proto: number): boolean {
    return this.names.has(key(port, proto));
  }

  /** Every (port, proto, name), ordered by port then protocol. */
  entries(): Array<{ port: number; proto: number; name: string }> {
    return [...this.names]
      .map(([k, name]) => ({ port: k % 65536, proto: Math.floor(k / 65536), name }))
      .sort((a, b) => a.port - b.port || a.proto - b.proto);
  }

  /** Number of (port, proto) entries. */
  get size(): number {
    return this.names.size;
  }
}

function overrideProtos(proto: string | number | undefined, where: string): number[] {
  if (proto === undefined) return [6, 17];
  const p = typeof proto === 'number' ? proto : parseProto(proto);
  if (p === undefined || !PORT_PROTOS.has(p)) throw new UsageError(`${where}.proto: expected tcp, udp or sctp`);
  return [p];
}

function parseTable(text: string): Map<number, string> {
  const m = new Map<number, string>();
  for (const line of text.split('\n')) {
    const t = line.trim();
    if (t === '') continue;
    const [port, protos, name] = t.split(/\s+/);
    for (const p of protos.split('/')) {
      const proto = parseProto(p);
      if (proto === undefined) throw new Error(`builtin services: bad protocol in ${JSON.stringify(t)}`);
      const k = key(Number(port), proto);
      if (!m.has(k)) m.set(k, name);
    }
  }
  return m;
}
