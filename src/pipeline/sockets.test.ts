/**
 * Agent snapshots -> socket periods -> the programs behind flows, on every backend: periods grow and
 * restart after a gap, survive a restart of the ingesting process, wildcard listeners answer on every
 * address of their host, and top/edges, flows, services and processes name the same programs.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFilter } from '../filter/parse.js';
import { runTop, runTopProcesses } from '../query/top.js';
import { listeningProcesses } from '../query/processes.js';
import { ServiceRegistry } from '../services/registry.js';
import { openStore } from '../store/open.js';
import type { ManagedStore } from '../store/store.js';
import { conn, listen, proc, snapshot } from '../testing/agent-snapshots.js';
import { startBackends, type Backends } from '../testing/backends.js';
import { RECORDS, S, T } from '../testing/records.js';
import { SocketIngest, observedSockets } from './sockets.js';

const NUC = ['192.168.1.66', '127.0.0.1', '::1', 'fe80::1'];
const HOSTILE = '<img src=x onerror=alert(1)>"\'=cmd|';
const services = ServiceRegistry.builtin();

/** The server (influxd on every address, a hostile name on ::) and the client's agent (telegraf). */
async function feed(store: ManagedStore): Promise<void> {
  const ingest = new SocketIngest(store);
  const nucProcs = [proc(900, 'influxd'), proc(901, HOSTILE, { cmdline: `${HOSTILE} =1+1`, user: 'root', uid: 0 })];
  for (const t of [T - 60 * S, T, T + 60 * S, T + 120 * S]) {
    await ingest.accept(snapshot('ubuntu-nuc', t, NUC, [listen('0.0.0.0', 8086, 900), listen('::', 9999, 901), listen('127.0.0.1', 8088, 900)], nucProcs));
  }
  await ingest.accept(snapshot('laptop', T + 5 * S, ['192.168.1.151', '127.0.0.1'], [conn('192.168.1.151', 50000, '192.168.1.66', 8086, 700)], [proc(700, 'telegraf')]));
  // The backup target's agent only came up long after the backups ran: no match for them.
  for (const t of [T + 3000 * S, T + 3060 * S]) {
    await ingest.accept(snapshot('nas', t, ['192.168.1.240'], [listen('192.168.1.240', 902, 55)], [proc(55, 'vmware-authd')]));
  }
}

describe('agent snapshots on every backend', () => {
  let backends: Backends;
  const stores = new Map<string, ManagedStore>();

  before(async () => {
    backends = await startBackends();
    for (const b of backends.all) {
      const store = await openStore(b.fresh('sockets'));
      stores.set(b.name, store);
      await store.append(RECORDS);
      await feed(store);
    }
  });

  after(async () => {
    for (const s of stores.values()) await s.close();
    await backends?.stop();
  });

  test('one period per socket while the agent keeps seeing it; wildcard listeners on each address', async () => {
    for (const [name, store] of stores) {
      const rows = await store.sockets({ host: 'ubuntu-nuc' });
      const influx = rows.filter((r) => r.comm === 'influxd' && r.local_port === 8086);
      assert.deepEqual(influx.map((r) => r.address).sort(), ['127.0.0.1', '192.168.1.66'], `${name}: 0.0.0.0 answers on the IPv4 addresses`);
      for (const r of influx) {
        assert.equal(r.first_seen, T - 60 * S, name);
        assert.equal(r.last_seen, T + 120 * S, name);
        assert.equal(r.local_addr, '0.0.0.0', name);
      }
      const hostile = rows.filter((r) => r.local_port === 9999);
      assert.deepEqual(hostile.map((r) => r.address).sort(), [...NUC].sort(), `${name}: :: answers on every address`);
      assert.equal(hostile[0].comm, HOSTILE, `${name}: stored as given, escaped on output`);
      assert.equal(rows.length, 2 + 4 + 1, name);
    }
  });

  test('the programs behind edges, conversations and services', async () => {
    for (const [name, store] of stores) {
      const edges = await runTop(store, 'edges', parseFilter({}, Date.now()), services);
      const influx = edges.find((e) => e.server === '192.168.1.66' && e.port === 8086);
      assert.equal(influx?.server_process, 'influxd', name);
      assert.equal(influx?.client_process, 'telegraf', name);
      const backup = edges.find((e) => e.server === '192.168.1.240' && e.port === 902);
      assert.equal(backup?.server_process, null, `${name}: the listener was seen long after the backups`);
      assert.ok(edges.filter((e) => e !== influx).every((e) => e.server_process === null && e.client_process === null), name);

      const flows = await runTop(store, 'flows', parseFilter({}, Date.now()), services);
      const conv = flows.find((f) => f.client_port === 50000);
      assert.equal(conv?.server_process, 'influxd', name);
      assert.equal(conv?.client_process, 'telegraf', name);

      const svc = await runTop(store, 'services', parseFilter({}, Date.now()), services);
      assert.deepEqual(svc.find((s) => s.port === 8086)?.processes, ['influxd'], name);
      assert.deepEqual(svc.find((s) => s.port === 902)?.processes, [], name);

      const procs = await runTopProcesses(store, parseFilter({}, Date.now()), services);
      assert.deepEqual(
        procs.map((p) => [p.host, p.process, p.bytes_served, p.bytes_used, p.ports, p.clients, p.servers]),
        [
          ['192.168.1.151', 'telegraf', 0, 2_000_000, [], 0, 1],
          ['192.168.1.66', 'influxd', 2_000_000, 0, ['8086/tcp'], 1, 0],
        ],
        name,
      );
    }
  });

  test('a host lists what listens on it; the time window applies', async () => {
    for (const [name, store] of stores) {
      const all = await listeningProcesses(store, '192.168.1.66', {});
      assert.deepEqual(all.map((p) => `${p.process} ${p.port}/${p.proto}`), ['influxd 8086/tcp', `${HOSTILE} 9999/tcp`], name);
      assert.equal(all[1].user, 'root', name);
      assert.equal(all[0].first_seen, new Date(T - 60 * S).toISOString(), name);
      const later = await listeningProcesses(store, '192.168.1.66', { since: T + 600 * S });
      assert.deepEqual(later, [], `${name}: nothing was seen listening after T+10m`);
    }
  });

  test('a gap longer than 2.5 periods starts a new period; a restarted ingester continues the stored one', async () => {
    for (const [name, store] of stores) {
      const s = (t: number) => snapshot('gappy', t, ['10.9.9.9'], [listen('10.9.9.9', 5432, 1)], [proc(1, 'postgres')]);
      await new SocketIngest(store).accept(s(T));
      await new SocketIngest(store).accept(s(T + 60 * S)); // a new process: reads the open period back
      const again = new SocketIngest(store);
      await again.accept(s(T + 400 * S)); // 340 s > 150 s: a new period
      await again.accept(s(T + 460 * S));
      const rows = await store.sockets({ host: 'gappy' });
      assert.deepEqual(rows.map((r) => [r.first_seen - T, r.last_seen - T]), [[0, 60_000], [400_000, 460_000]], name);
    }
  });

  test('retention drops socket periods that ended before the cutoff', async () => {
    for (const [name, store] of stores) {
      await store.purge(T + 2000 * S);
      const left = await store.sockets({});
      assert.ok(left.length > 0, name);
      assert.ok(left.every((r) => r.last_seen >= T + 2000 * S), name);
      assert.deepEqual([...new Set(left.map((r) => r.host))], ['nas'], name);
    }
  });
});

test('observed sockets: processes joined by pid, unknown owners counted, UDP and v4-mapped addresses', () => {
  const s = snapshot('h', T, ['10.0.0.1', '2001:db8::1'], [
    listen('::ffff:10.0.0.1', 53, 5, 'udp'),
    listen('0.0.0.0', 22, null),
    conn('10.0.0.1', 40000, '10.0.0.2', 443, 6),
  ], [proc(5, 'named'), proc(6, 'curl')]);
  const { rows, withoutProcess } = observedSockets(s);
  assert.equal(withoutProcess, 1);
  assert.deepEqual(rows.map((r) => [r.proto, r.state, r.address, r.local_port, r.comm]), [
    ['udp', 'listen', '10.0.0.1', 53, 'named'],
    ['tcp', 'listen', '10.0.0.1', 22, ''],
    ['tcp', 'established', '10.0.0.1', 40000, 'curl'],
  ]);
});
