/**
 * The data centre site against its own promise, checked on the capture's ground truth: every intended
 * dependency occurs and nothing else; each database sends backup more than its application moves
 * inside; applications talk to each other thinly; addressing does not give the applications away.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { datacenterSite, type DatacenterTruth } from './datacenter.js';
import { writeLabCapture, type LabTruth } from './lab.js';
import { runCli } from '../testing/cli.js';
import type { ConversationRow } from '../store/store.js';
import { protoName } from '../util/protocols.js';

const depKey = (client: string, server: string, port: number, proto: string): string => `${client} ${server} ${port}/${proto}`;

interface Tally {
  missing: string[];
  outside: string[];
  /** Per application: bytes between its own members, and bytes its databases sent backup. */
  internal: number[];
  backup: number[];
  /** Bytes between members of two different applications, per ordered pair. */
  between: Map<string, number>;
}

function tally(dc: DatacenterTruth, truth: LabTruth): Tally {
  const appOf = new Map<string, number>();
  dc.apps.forEach((a, i) => a.hosts.forEach((h) => appOf.set(h, i)));
  const want = new Set(dc.dependencies.map((d) => depKey(d.client, d.server, d.port, d.proto)));
  const seen = new Set<string>();
  const t: Tally = { missing: [], outside: [], internal: dc.apps.map(() => 0), backup: dc.apps.map(() => 0), between: new Map() };
  const backupHost = dc.sharedClients[1];
  for (const c of truth.conversations) {
    const k = depKey(c.client, c.server, c.serverPort, protoName(c.proto));
    if (!want.has(k)) t.outside.push(`${k} (${c.service})`);
    seen.add(k);
    const bytes = c.bytesC2s + c.bytesS2c;
    const ca = appOf.get(c.client);
    const sa = appOf.get(c.server);
    if (ca !== undefined && ca === sa) t.internal[ca] += bytes;
    else if (ca !== undefined && sa !== undefined) t.between.set(`${ca}>${sa}`, (t.between.get(`${ca}>${sa}`) ?? 0) + bytes);
    if (c.client === backupHost && sa !== undefined && dc.apps[sa].databases.includes(c.server)) t.backup[sa] += bytes;
  }
  t.missing = [...want].filter((k) => !seen.has(k));
  return t;
}

const sha = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');

describe('data centre site', () => {
  let dir = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'flowmap-dc-'));
  });
  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('lays hosts out by tier, names them, and interleaves the applications', () => {
    const { truth, site } = datacenterSite({ apps: 40, seed: 3 });
    assert.equal(truth.apps.length, 40);
    assert.equal(truth.apps[2].name, 'app03');
    const addresses = truth.names.map((n) => n.address);
    assert.equal(new Set(addresses).size, addresses.length, 'unique addresses');
    assert.equal(site.hosts.length, addresses.length);
    for (const n of truth.names) assert.match(n.name, /^[a-z]+\d*(\.app\d\d)?\.dc\.example$/);
    assert.ok(truth.names.some((n) => n.name === 'web1.app03.dc.example'));
    const tierNet = { web: '10.21.', app: '10.22.', db: '10.23.', cache: '10.24.' } as const;
    for (const app of truth.apps) {
      for (const [tier, hosts] of Object.entries(app.tiers)) for (const h of hosts) assert.ok(h.startsWith(tierNet[tier as keyof typeof tierNet]), `${h} in the ${tier} tier`);
      assert.deepEqual(app.databases, app.tiers.db);
      assert.equal(app.hosts.length, 5);
    }
    for (const h of [...truth.sharedServers, ...truth.sharedClients]) assert.match(h, /^10\.20\.0\.\d+$/);
    // 80 web hosts in one /24: a split by subnet lumps the applications; address order does not follow them.
    const appOf = new Map(truth.apps.flatMap((a) => a.hosts.map((h) => [h, a.name] as const)));
    const web = truth.apps.flatMap((a) => a.tiers.web).sort((a, b) => Number(a.split('.')[3]) - Number(b.split('.')[3]));
    const neighbours = web.slice(1).filter((h, i) => appOf.get(h) === appOf.get(web[i])).length;
    assert.ok(neighbours < web.length / 4, `${neighbours} of ${web.length} address neighbours share an application`);
  });

  it('is deterministic, and the seed moves hosts', () => {
    const a = datacenterSite({ apps: 12, seed: 5 });
    const b = datacenterSite({ apps: 12, seed: 5 });
    assert.deepEqual(a.truth, b.truth);
    assert.equal(a.packets, b.packets);
    assert.notDeepEqual(datacenterSite({ apps: 12, seed: 6 }).truth.apps, a.truth.apps);
  });

  it('lists the intended dependencies', () => {
    const { truth } = datacenterSite({ apps: 3, shape: { cache: 1 }, callEvery: 2 });
    const ports = new Set(truth.dependencies.map((d) => `${d.port}/${d.proto}`));
    for (const p of ['8080/tcp', '6379/tcp', '389/tcp', '53/udp', '123/udp', '514/udp', '9100/tcp', '9102/tcp', '443/tcp']) assert.ok(ports.has(p), p);
    assert.ok(ports.has('5432/tcp') || ports.has('3306/tcp'));
    assert.deepEqual(truth.appCalls, [{ client: 'app01', server: 'app02' }]);
    const [monitor, backup] = truth.sharedClients;
    const everyHost = truth.names.map((n) => n.address).filter((h) => h !== monitor && h !== '10.20.0.1');
    const scraped = new Set(truth.dependencies.filter((d) => d.client === monitor && d.port === 9100).map((d) => d.server));
    assert.deepEqual([...scraped].sort(), [...everyHost].sort(), 'monitor1 scrapes every host');
    const backedUp = truth.dependencies.filter((d) => d.client === backup && d.port === 9102).map((d) => d.server);
    assert.deepEqual(backedUp.sort(), truth.apps.flatMap((a) => a.databases).sort());
    const keys = truth.dependencies.map((d) => depKey(d.client, d.server, d.port, d.proto));
    assert.equal(new Set(keys).size, keys.length, 'deduplicated');
    assert.throws(() => datacenterSite({ apps: 0 }), /apps/);
  });

  for (const [name, apps, seed] of [
    ['4 applications (linear template draw)', 4, 1],
    ['30 applications (binary-search template draw)', 30, 2],
  ] as const) {
    it(`${name}: the capture holds exactly the dependencies, with the promised byte ratios`, () => {
      const dc = datacenterSite({ apps, seed });
      const truth = writeLabCapture(join(dir, `dc${apps}.pcap`), { site: dc.site, packets: dc.packets, seed, snaplen: 96 });
      const t = tally(dc.truth, truth);
      assert.deepEqual(t.missing, [], 'every dependency occurs');
      assert.deepEqual(t.outside.slice(0, 10), [], 'no conversation outside the dependencies');
      dc.truth.apps.forEach((app, i) => assert.ok(t.backup[i] > t.internal[i], `${app.name}: backup ${t.backup[i]} > internal ${t.internal[i]}`));
      const minInternal = Math.min(...t.internal);
      const maxBetween = Math.max(...t.between.values());
      assert.ok(t.between.size >= apps - 1, 'the applications call each other');
      assert.ok(maxBetween * 20 < minInternal, `between applications ${maxBetween} << inside ${minInternal}`);
    });
  }

  it('same options, same capture', () => {
    const dc = datacenterSite({ apps: 3, seed: 8 });
    const opts = { site: dc.site, packets: 8000, seed: 4, durationSec: 60 };
    writeLabCapture(join(dir, 'a.pcap'), opts);
    writeLabCapture(join(dir, 'b.pcap'), { ...opts, site: datacenterSite({ apps: 3, seed: 8 }).site });
    assert.equal(sha(join(dir, 'a.pcap')), sha(join(dir, 'b.pcap')));
  });

  it('flowmap ingest reads the capture: every conversation, exact counters', () => {
    const dc = datacenterSite({ apps: 3, seed: 2 });
    const file = join(dir, 'ingest.pcap');
    const db = join(dir, 'dc.duckdb');
    const truth = writeLabCapture(file, { site: dc.site, packets: dc.packets, seed: 2, snaplen: 128 });
    const ingest = runCli(['ingest', file, '--db', db]);
    assert.equal(ingest.code, 0, ingest.stderr);
    const top = runCli(['top', '--by', 'flows', '--json', '--limit', '1000000', '--db', db]);
    assert.equal(top.code, 0, top.stderr);
    const rows = JSON.parse(top.stdout) as ConversationRow[];
    const got = new Map(rows.map((r) => [`${r.proto}|${r.client}:${r.client_port}>${r.server}:${r.port}`, [r.bytes_c2s, r.bytes_s2c, r.packets_c2s, r.packets_s2c]]));
    assert.equal(rows.length, truth.conversations.length);
    for (const c of truth.conversations) {
      const k = `${protoName(c.proto)}|${c.client}:${c.clientPort}>${c.server}:${c.serverPort}`;
      assert.deepEqual(got.get(k), [c.bytesC2s, c.bytesS2c, c.packetsC2s, c.packetsS2c], k);
    }
  });
});
