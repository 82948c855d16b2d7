/**
 * The synthetic home lab / small data centre: who exists and which services they use.
 * 192.168.1.0/24 (+ 2001:db8:1::/64), a few Internet hosts, and 192.168.1.151, the noisy WiFi host.
 * It is the generator's default site (HOME_LAB); its output is pinned (LAB_VERSION, lab-site.test.ts).
 */
import { addrText, ipv4Bytes, ipv6Bytes } from './addr.js';
import type { LabHost, LabSite, Template } from './lab-site.js';
import { Proto } from '../util/protocols.js';

export type { LabHost, LabSite, Template } from './lab-site.js';

const ROUTER_MAC = Buffer.from([0x02, 0x00, 0x5e, 0x00, 0x01, 0x01]);

function local(n: number, name: string, v6 = true): LabHost {
  const v4 = ipv4Bytes(`192.168.1.${n}`);
  const v6b = v6 ? ipv6Bytes(`2001:db8:1::${n.toString(16)}`) : null;
  return {
    name,
    v4,
    v6: v6b,
    text4: addrText(v4),
    text6: v6b ? addrText(v6b) : null,
    mac: Buffer.from([0x02, 0x00, 0x00, 0x00, 0x01, n]),
    local: true,
  };
}

function remote(name: string, a4: string, a6?: string, mac?: Buffer): LabHost {
  const v4 = ipv4Bytes(a4);
  const v6b = a6 ? ipv6Bytes(a6) : null;
  return { name, v4, v6: v6b, text4: addrText(v4), text6: v6b ? addrText(v6b) : null, mac: mac ?? ROUTER_MAC, local: false };
}

export const H = {
  router: local(1, 'router'),
  esxi1: local(10, 'esxi01'),
  esxi2: local(11, 'esxi02'),
  vcenter: local(20, 'vcenter'),
  backup: local(30, 'veeam-proxy'),
  prometheus: local(40, 'prometheus'),
  grafana: local(41, 'grafana'),
  influx: local(42, 'influxdb'),
  plex: local(50, 'plex'),
  tautulli: local(51, 'tautulli'),
  nas: local(60, 'nas'),
  db: local(70, 'db'),
  redis: local(71, 'redis'),
  app1: local(80, 'app01'),
  app2: local(81, 'app02'),
  ws1: local(100, 'workstation'),
  laptop: local(101, 'laptop'),
  tv: local(120, 'tv', false),
  wifi: local(151, 'wifi-tablet'),
  cloudflareDns: remote('one.one.one.one', '1.1.1.1', '2606:4700:4700::1111'),
  quad9: remote('dns.quad9.net', '9.9.9.9', '2620:fe::fe'),
  ntp: remote('time.cloudflare.com', '162.159.200.123', '2606:4700:f1::123'),
  google: remote('www.google.com', '142.250.74.36', '2a00:1450:4001:82b::2004'),
  fastly: remote('fastly', '151.101.1.69', '2a04:4e42::485'),
  github: remote('github.com', '140.82.121.4'),
  plexRemote: remote('remote-viewer', '203.0.113.50'),
  deadHost: local(199, 'dead'),
  mdns: remote('mdns', '224.0.0.251', 'ff02::fb', Buffer.from([0x01, 0x00, 0x5e, 0x00, 0x00, 0xfb])),
  ssdp: remote('ssdp', '239.255.255.250', undefined, Buffer.from([0x01, 0x00, 0x5e, 0x7f, 0xff, 0xfa])),
} as const;

export const ALL_HOSTS: readonly LabHost[] = Object.values(H);
export const ROUTER = H.router;

const LAN_SERVERS = [H.esxi1, H.esxi2, H.vcenter, H.prometheus, H.influx, H.plex, H.nas, H.db, H.redis, H.app1, H.app2];
const LAN_CLIENTS = [H.ws1, H.laptop, H.app1, H.app2, H.grafana, H.backup];

export const TEMPLATES: readonly Template[] = [
  // VMware: NFC backup reads (bulk server -> client), vCenter API / ESXi management.
  { name: 'esxi-nfc', proto: Proto.TCP, port: 902, clients: [H.backup], servers: [H.esxi1, H.esxi2], weight: 0.6, v6: 0, vlan: 10, qinq: 0.3, rounds: [1, 3], req: [60, 400], resp: [200_000, 3_000_000] },
  { name: 'vcenter', proto: Proto.TCP, port: 443, clients: [H.backup, H.ws1, H.esxi1, H.esxi2], servers: [H.vcenter], weight: 3, v6: 0.1, vlan: 10, qinq: 0, rounds: [1, 12], req: [200, 2500], resp: [300, 40_000] },
  { name: 'esxi-https', proto: Proto.TCP, port: 443, clients: [H.vcenter], servers: [H.esxi1, H.esxi2], weight: 2, v6: 0, vlan: 10, qinq: 0.3, rounds: [1, 6], req: [200, 1500], resp: [300, 20_000] },
  // Monitoring.
  { name: 'node-exporter', proto: Proto.TCP, port: 9100, clients: [H.prometheus], servers: LAN_SERVERS, weight: 8, v6: 0.15, vlan: 0, qinq: 0, rounds: [1, 4], req: [180, 260], resp: [8_000, 80_000] },
  { name: 'pushgateway', proto: Proto.TCP, port: 9091, clients: [H.app1, H.app2, H.backup], servers: [H.prometheus], weight: 2, v6: 0, vlan: 0, qinq: 0, rounds: [1, 2], req: [300, 6_000], resp: [20, 120] },
  { name: 'prometheus-query', proto: Proto.TCP, port: 9090, clients: [H.grafana, H.ws1], servers: [H.prometheus], weight: 3, v6: 0.2, vlan: 0, qinq: 0, rounds: [1, 8], req: [200, 900], resp: [500, 60_000] },
  { name: 'influxdb', proto: Proto.TCP, port: 8086, clients: [H.grafana, H.app1, H.app2, H.esxi1, H.nas], servers: [H.influx], weight: 4, v6: 0.1, vlan: 0, qinq: 0, rounds: [1, 10], req: [300, 12_000], resp: [100, 8_000] },
  // Media.
  { name: 'tautulli', proto: Proto.TCP, port: 8181, clients: [H.ws1, H.laptop], servers: [H.tautulli], weight: 1, v6: 0, vlan: 0, qinq: 0, rounds: [1, 5], req: [300, 800], resp: [2_000, 50_000] },
  { name: 'tautulli-plex', proto: Proto.TCP, port: 32400, clients: [H.tautulli], servers: [H.plex], weight: 2, v6: 0, vlan: 0, qinq: 0, rounds: [1, 3], req: [200, 500], resp: [1_000, 30_000] },
  { name: 'plex', proto: Proto.TCP, port: 32400, clients: [H.tv, H.laptop, H.plexRemote], servers: [H.plex], weight: 0.5, v6: 0.2, vlan: 0, qinq: 0, rounds: [1, 4], req: [300, 900], resp: [100_000, 2_000_000] },
  // Storage and databases.
  { name: 'nfs-tcp', proto: Proto.TCP, port: 2049, clients: [H.esxi1, H.esxi2, H.app1], servers: [H.nas], weight: 1, v6: 0, vlan: 10, qinq: 0.3, rounds: [2, 40], req: [120, 32_000], resp: [100, 64_000], clientPort: [665, 1020] },
  { name: 'nfs-udp', proto: Proto.UDP, port: 2049, clients: [H.app2, H.ws1], servers: [H.nas], weight: 1, v6: 0, vlan: 10, qinq: 0, rounds: [1, 6], req: [100, 160], resp: [8_200, 8_300], bigResp: 1 },
  { name: 'mysql', proto: Proto.TCP, port: 3306, clients: [H.app1, H.app2, H.tautulli], servers: [H.db], weight: 4, v6: 0.1, vlan: 0, qinq: 0, rounds: [1, 20], req: [40, 600], resp: [20, 6_000], greeting: 78 },
  { name: 'postgres', proto: Proto.TCP, port: 5432, clients: [H.app1, H.app2, H.grafana], servers: [H.db], weight: 4, v6: 0.1, vlan: 0, qinq: 0, rounds: [1, 20], req: [60, 900], resp: [20, 12_000] },
  { name: 'redis', proto: Proto.TCP, port: 6379, clients: [H.app1, H.app2], servers: [H.redis], weight: 5, v6: 0, vlan: 0, qinq: 0, rounds: [5, 60], req: [20, 200], resp: [5, 600] },
  // Infrastructure.
  { name: 'dns', proto: Proto.UDP, port: 53, clients: [...LAN_CLIENTS, H.esxi1, H.vcenter, H.nas, H.prometheus], servers: [H.router], weight: 30, v6: 0.25, vlan: 0, qinq: 0, rounds: [1, 2], req: [28, 60], resp: [45, 300], bigResp: 0.03, lossy: 0.02 },
  { name: 'dns-upstream', proto: Proto.UDP, port: 53, clients: [H.router], servers: [H.cloudflareDns, H.quad9], weight: 8, v6: 0.3, vlan: 0, qinq: 0, rounds: [1, 1], req: [40, 70], resp: [60, 400], bigResp: 0.05, lossy: 0.03 },
  { name: 'ntp', proto: Proto.UDP, port: 123, clients: [H.router, H.esxi1, H.esxi2, H.nas, H.db], servers: [H.ntp], weight: 3, v6: 0.3, vlan: 0, qinq: 0, rounds: [1, 4], req: [48, 48], resp: [48, 48] },
  { name: 'ping', proto: Proto.ICMP, port: 0, clients: [H.prometheus, H.ws1], servers: [...LAN_SERVERS, H.google, H.deadHost], weight: 3, v6: 0.2, vlan: 0, qinq: 0, rounds: [1, 10], req: [56, 56], resp: [56, 56], lossy: 0.03 },
  { name: 'https-out', proto: Proto.TCP, port: 443, clients: [H.ws1, H.laptop, H.app1], servers: [H.google, H.fastly, H.github], weight: 4, v6: 0.4, vlan: 0, qinq: 0, rounds: [1, 6], req: [300, 3_000], resp: [1_000, 200_000] },
  // The noisy WiFi host users exclude: streaming, browsing, discovery chatter, pings. VLAN 20.
  { name: 'wifi-plex', proto: Proto.TCP, port: 32400, clients: [H.wifi], servers: [H.plex], weight: 1.2, v6: 0.3, vlan: 20, qinq: 0, rounds: [1, 3], req: [300, 900], resp: [200_000, 3_000_000] },
  { name: 'wifi-https', proto: Proto.TCP, port: 443, clients: [H.wifi], servers: [H.google, H.fastly], weight: 10, v6: 0.5, vlan: 20, qinq: 0, rounds: [1, 8], req: [300, 2_000], resp: [1_000, 120_000] },
  { name: 'wifi-dns', proto: Proto.UDP, port: 53, clients: [H.wifi], servers: [H.router], weight: 25, v6: 0.3, vlan: 20, qinq: 0, rounds: [1, 2], req: [28, 60], resp: [45, 200], lossy: 0.05 },
  { name: 'wifi-mdns', proto: Proto.UDP, port: 5353, clients: [H.wifi], servers: [H.mdns], weight: 10, v6: 0.3, vlan: 20, qinq: 0, rounds: [1, 3], req: [40, 400], resp: [0, 0], clientPort: 5353 },
  { name: 'wifi-ssdp', proto: Proto.UDP, port: 1900, clients: [H.wifi], servers: [H.ssdp], weight: 6, v6: 0, vlan: 20, qinq: 0, rounds: [1, 3], req: [120, 200], resp: [0, 0] },
  { name: 'wifi-ping', proto: Proto.ICMP, port: 0, clients: [H.wifi], servers: [H.router, H.google], weight: 3, v6: 0.3, vlan: 20, qinq: 0, rounds: [3, 20], req: [56, 56], resp: [56, 56] },
];

export const DNS_NAMES: readonly string[] = [
  'esxi01.lab.home',
  'vcenter.lab.home',
  'nas.lab.home',
  'grafana.lab.home',
  'plex.direct',
  'api.github.com',
  'registry.npmjs.org',
  'time.cloudflare.com',
  'www.google.com',
  'updates.vmware.com',
];

/** The home lab as a site: DNS answers are random addresses (no zone addresses). */
export const HOME_LAB: LabSite = { hosts: ALL_HOSTS, router: ROUTER, templates: TEMPLATES, dns: { names: DNS_NAMES } };

/** The demo's config for the lab: a name for each of its own hosts, and groups by those names (`flowmap demo` writes them). */
export const HOME_LAB_NAMES: ReadonlyArray<{ address: string; name: string }> = Object.values(H)
  .filter((h) => h.local && h !== H.deadHost)
  .map((h) => ({ address: h.text4, name: `${h.name}.lab.home` }));

export const HOME_LAB_GROUPS: ReadonlyArray<{ name: string; names: string[] }> = [
  { name: 'vSphere', names: ['esxi*.lab.home', 'vcenter.lab.home', 'veeam-proxy.lab.home'] },
  { name: 'Monitoring', names: ['prometheus.lab.home', 'grafana.lab.home', 'influxdb.lab.home'] },
  { name: 'Media', names: ['plex.lab.home', 'tautulli.lab.home', 'tv.lab.home'] },
  { name: 'Storage', names: ['nas.lab.home'] },
  { name: 'Shop app', names: ['app0*.lab.home', 'db.lab.home', 'redis.lab.home'] },
];
