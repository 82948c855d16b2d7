import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runTop } from './top.js';
import { parseFilter } from '../filter/parse.js';
import { ServiceRegistry } from '../services/registry.js';
import { DuckDbStore } from '../store/duckdb.js';
import type { FlowRecord } from '../flow/record.js';

const T = Date.UTC(2026, 10, 28, 7);
const base: Omit<FlowRecord, 'client' | 'server' | 'serverPort'> = {
  clientPort: 50000, proto: 6, ipVersion: 4, vlan: 0, bytesC2s: 10, bytesS2c: 10, packetsC2s: 1, packetsS2c: 1, samplingRate: 1,
  tcpFlagsC2s: 2, tcpFlagsS2c: 18, firstSeen: T, lastSeen: T, direction: 'handshake', source: 'test',
  exporter: '', inIf: 0, outIf: 0, starts: 1,
};

test('service names come from the registry at query time, overrides included', async () => {
  const store = await DuckDbStore.open(':memory:');
  await store.init();
  await store.append([
    { ...base, client: '10.0.0.1', server: '10.0.0.2', serverPort: 902, bytesS2c: 1000 },
    { ...base, client: '10.0.0.1', server: '10.0.0.3', serverPort: 40123 },
    { ...base, client: '10.0.0.1', server: '10.0.0.4', serverPort: 0, clientPort: 0, proto: 1 },
  ]);
  const f = parseFilter({}, T);
  const builtin = ServiceRegistry.builtin();
  assert.deepEqual((await runTop(store, 'edges', f, builtin)).map((r) => r.service), ['vmware-esxi-nfc', null, null]);
  const custom = builtin.withOverrides([{ port: 40123, name: 'my-app' }]);
  assert.deepEqual((await runTop(store, 'services', f, custom)).map((r) => [r.port, r.proto, r.service]), [[902, 'tcp', 'vmware-esxi-nfc'], [0, 'icmp', null], [40123, 'tcp', 'my-app']]);
  assert.deepEqual((await runTop(store, 'flows', f, custom)).map((r) => r.service), ['vmware-esxi-nfc', null, 'my-app']);
  assert.equal((await runTop(store, 'talkers', f, custom))[0].host, '10.0.0.1');
  await store.close();
});
