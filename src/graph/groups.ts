/**
 * Group rules from the config file: a host joins the first group any of whose rules match — its
 * address in one of the subnets, its name matching one of the patterns (`*` and `?` wildcards,
 * case-insensitive), or it serving one of the listed ports (e.g. 8086/tcp -> "InfluxDB").
 */
import type { AddrRange } from '../filter/filter.js';
import { parseCidr, rangeContains } from '../filter/cidr.js';
import { addrHiLo } from '../util/ip.js';

export interface ServesRule {
  port: number;
  /** Protocol name (`tcp`); any protocol when absent. */
  proto?: string;
}

export interface GroupRuleConfig {
  name: string;
  subnets?: string[];
  names?: string[];
  serves?: ServesRule[];
}

interface CompiledRule {
  name: string;
  ranges: AddrRange[];
  patterns: RegExp[];
  serves: ServesRule[];
}

/** What a host offers the rules: its address, its name (if any), the services it serves. */
export interface HostFacts {
  address: string;
  name?: string;
  served: ReadonlyArray<{ port: number; proto: string }>;
}

export class GroupRules {
  private readonly rules: CompiledRule[];

  constructor(config: readonly GroupRuleConfig[] = []) {
    this.rules = config.map((g, i) => ({
      name: g.name,
      ranges: (g.subnets ?? []).map((s) => parseCidr(s, `groups[${i}].subnets`)),
      patterns: (g.names ?? []).map(globToRegExp),
      serves: g.serves ?? [],
    }));
  }

  get size(): number {
    return this.rules.length;
  }

  /** The group's name, or undefined when no rule matches. */
  assign(h: HostFacts): string | undefined {
    let hl: { hi: bigint; lo: bigint } | undefined;
    for (const r of this.rules) {
      if (r.ranges.length) {
        hl ??= addrHiLo(h.address);
        const { hi, lo } = hl;
        if (r.ranges.some((x) => rangeContains(x, hi, lo))) return r.name;
      }
      if (h.name !== undefined && r.patterns.some((p) => p.test(h.name as string))) return r.name;
      if (r.serves.some((s) => h.served.some((x) => x.port === s.port && (s.proto === undefined || s.proto === x.proto)))) return r.name;
    }
    return undefined;
  }
}

/** `esxi*.lab` -> /^esxi.*\.lab$/i: only * and ? are special. */
export function globToRegExp(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 'i');
}
