/**
 * The services of the synthetic data centre: ports and realistic sizes, and how often a pair of hosts
 * talks (`rate`: conversations per client-server pair per pass of the weighted mix).
 */
import type { LabHost, Template } from './lab-site.js';
import { Proto } from '../util/protocols.js';

/** A template without its name, hosts and weight. */
export type ServiceProfile = Omit<Template, 'name' | 'clients' | 'servers' | 'weight' | 'v6' | 'vlan' | 'qinq'> & { rate: number };

const tcp = { proto: Proto.TCP };
const udp = { proto: Proto.UDP };

export const SERVICES = {
  // Inside an application: dense, many small requests.
  webToApp: { ...tcp, port: 8080, rate: 3, rounds: [1, 8], req: [250, 1_500], resp: [400, 12_000] },
  postgres: { ...tcp, port: 5432, rate: 4, rounds: [1, 20], req: [60, 900], resp: [20, 12_000] },
  mysql: { ...tcp, port: 3306, rate: 4, rounds: [1, 20], req: [40, 600], resp: [20, 6_000], greeting: 78 },
  redis: { ...tcp, port: 6379, rate: 4, rounds: [5, 40], req: [20, 200], resp: [5, 600] },
  // Between applications: an occasional API call, small.
  api: { ...tcp, port: 443, rate: 0.05, rounds: [1, 1], req: [200, 600], resp: [200, 1_200] },
  // Shared servers.
  ldap: { ...tcp, port: 389, rate: 0.5, rounds: [1, 3], req: [80, 400], resp: [100, 1_500] },
  dns: { ...udp, port: 53, rate: 1, rounds: [1, 2], req: [28, 60], resp: [45, 300], lossy: 0.01 },
  ntp: { ...udp, port: 123, rate: 0.2, rounds: [1, 4], req: [48, 48], resp: [48, 48] },
  syslog: { ...udp, port: 514, rate: 0.5, rounds: [1, 10], req: [80, 600], resp: [0, 0] },
  // Shared clients: node-exporter scrapes, and backup pulls (bulk server -> client, Bacula's 9102).
  scrape: { ...tcp, port: 9100, rate: 0.5, rounds: [1, 2], req: [180, 260], resp: [8_000, 60_000] },
  backup: { ...tcp, port: 9102, rate: 1, rounds: [1, 1], req: [100, 300], resp: [30_000, 120_000] },
} satisfies Record<string, ServiceProfile>;

/** A template of `profile` between these hosts; `rate` overrides the profile's. */
export function serviceTemplate(name: string, profile: ServiceProfile, clients: readonly LabHost[], servers: readonly LabHost[], rate = profile.rate): Template {
  const shape: Partial<ServiceProfile> = { ...profile };
  delete shape.rate;
  return { name, ...(shape as Omit<ServiceProfile, 'rate'>), clients, servers, weight: rate * clients.length * servers.length, v6: 0, vlan: 0, qinq: 0 };
}

/** Clients spread over servers round-robin (a resolver, time source or directory per client group). */
export function spread(clients: readonly LabHost[], servers: readonly LabHost[]): Array<[LabHost[], LabHost]> {
  return servers
    .map((s, j): [LabHost[], LabHost] => [clients.filter((_, i) => i % servers.length === j), s])
    .filter(([cs]) => cs.length > 0);
}
