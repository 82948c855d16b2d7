import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { findConfigFile, loadConfig } from './config.js';
import { DEFAULT_FLOWS } from './model.js';
import { parseConfig } from './schema.js';
import { EXAMPLE_CONFIG } from './example.js';
import { UsageError } from '../util/errors.js';
import { ServiceRegistry } from '../services/registry.js';

const dir = mkdtempSync(join(tmpdir(), 'flowmap-config-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

const errorOf = (data: unknown): string => {
  try {
    parseConfig(data, 'flowmap.yaml', dir);
  } catch (e) {
    assert.ok(e instanceof UsageError);
    return e.message;
  }
  throw new Error('no error');
};

test('defaults when no file is found', async () => {
  const c = await loadConfig(undefined, {}, dir);
  assert.deepEqual(c, { path: null, services: [], flows: DEFAULT_FLOWS, names: [], groups: [], exporters: [], serve: {} });
  assert.deepEqual(DEFAULT_FLOWS, { idleTimeoutMs: 15_000, activeTimeoutMs: 60_000, maxFlows: 1_000_000, conversationMemory: 100_000 });
});

test('the shipped example loads and its overrides work', () => {
  const c = parseConfig(parseYaml(EXAMPLE_CONFIG), 'example', dir);
  assert.equal(c.db, join(dir, 'flowmap.duckdb'));
  assert.deepEqual(c.flows, DEFAULT_FLOWS);
  assert.equal(ServiceRegistry.builtin().withOverrides(c.services).name(902, 6), 'esxi-backup-nfc');
  assert.deepEqual(c.exporters, [{ address: '192.0.2.10', samplingRate: 1000, interfaces: [{ ifIndex: 3, name: 'uplink-dc2' }, { ifIndex: 7, name: 'core-1' }] }]);
  assert.deepEqual(c.names[2], { address: '2001:db8:1::42', name: 'influxdb' });
  assert.deepEqual(c.groups[2], { name: 'InfluxDB', subnets: [], names: [], serves: [{ port: 8086, proto: 'tcp' }] });
});

test('names and groups: canonical addresses, serves as port or port/proto, located errors', () => {
  const c = parseConfig({ names: { '2001:DB8::0:1': 'v6host' }, groups: [{ name: 'G', serves: [443, '53/udp'] }] }, 'x', dir);
  assert.deepEqual(c.names, [{ address: '2001:db8::1', name: 'v6host' }]);
  assert.deepEqual(c.groups[0].serves, [{ port: 443 }, { port: 53, proto: 'udp' }]);
  assert.match(errorOf({ names: { 'not-an-ip': 'x' } }), /names\.not-an-ip: expected an IPv4 or IPv6 address/);
  assert.match(errorOf({ groups: [{ name: 'G', serves: ['80/xyz'] }] }), /groups\[0\]\.serves\[0\]: expected a port/);
  assert.match(errorOf({ groups: [{ name: 'G', subnets: ['10.0.0.0/33'] }] }), /groups\[0\]\.subnets\[0\]: expected an address or CIDR/);
  assert.match(errorOf({ groups: [{ name: 'G' }] }), /groups\[0\]: a group needs at least one of/);
});

test('exporter sampling overrides: canonical addresses, located errors', () => {
  const c = parseConfig({ exporters: [{ address: '2001:DB8::0:1', samplingRate: 512 }] }, 'x.yaml', dir);
  assert.deepEqual(c.exporters, [{ address: '2001:db8::1', samplingRate: 512, interfaces: [] }]);
  assert.match(errorOf({ exporters: [{ address: 'router1', samplingRate: 10 }] }), /exporters\[0\]\.address: expected an IPv4 or IPv6 address/);
  assert.match(errorOf({ exporters: [{ address: '10.0.0.1', samplingRate: 0 }] }), /exporters\[0\]\.samplingRate: expected a whole number, 1 or more/);
  assert.match(errorOf({ exporters: [{ address: '10.0.0.1', rate: 5 }] }), /unknown key rate/);
});

test('exporter interface names: by ifIndex, sampling optional, located errors', () => {
  const c = parseConfig({ exporters: [{ address: '192.0.2.1', interfaces: { 12: 'core-2', 3: ' uplink-dc2 ' } }] }, 'x.yaml', dir);
  assert.deepEqual(c.exporters, [{ address: '192.0.2.1', interfaces: [{ ifIndex: 3, name: 'uplink-dc2' }, { ifIndex: 12, name: 'core-2' }] }]);
  assert.match(errorOf({ exporters: [{ address: '192.0.2.1', interfaces: { eth0: 'x' } }] }), /exporters\[0\]\.interfaces\.eth0: expected a mapping of interface index \(SNMP ifIndex/);
  assert.match(errorOf({ exporters: [{ address: '192.0.2.1', interfaces: { 3: '' } }] }), /exporters\[0\]\.interfaces\.3: must not be empty/);
  assert.match(errorOf({ exporters: [{ address: '192.0.2.1' }] }), /exporters\[0\]: an exporter needs samplingRate or interfaces/);
  assert.match(errorOf({ exporters: [{ address: '192.0.2.1', samplingRate: 2 }, { address: '192.0.2.1', interfaces: { 1: 'a' } }] }), /exporters: each exporter address at most once/);
});

test('./flowmap.yaml, FLOWMAP_CONFIG, explicit path; YAML and JSON', async () => {
  writeFileSync(join(dir, 'flowmap.yaml'), 'db: lab.duckdb\nflows:\n  idleTimeout: 30\n  activeTimeout: 2m\n  conversationMemory: 5000\n');
  const c = await loadConfig(undefined, {}, dir);
  assert.equal(c.path, 'flowmap.yaml');
  assert.equal(c.db, join(dir, 'lab.duckdb'));
  assert.deepEqual(c.flows, { idleTimeoutMs: 30_000, activeTimeoutMs: 120_000, maxFlows: 1_000_000, conversationMemory: 5000 });
  writeFileSync(join(dir, 'other.json'), JSON.stringify({ services: [{ port: 8086, proto: 'tcp', name: 'influx' }], db: 'duckdb:/abs/x.duckdb' }));
  const j = await loadConfig(undefined, { FLOWMAP_CONFIG: 'other.json' }, dir);
  assert.deepEqual(j.services, [{ port: 8086, proto: 'tcp', name: 'influx' }]);
  assert.equal(j.db, 'duckdb:/abs/x.duckdb');
  assert.equal((await loadConfig(join(dir, 'other.json'), { FLOWMAP_CONFIG: 'nope' }, '/')).path, join(dir, 'other.json'));
  await assert.rejects(loadConfig('missing.yaml', {}, dir), (e: unknown) => e instanceof UsageError && /missing\.yaml not found/.test(e.message));
  assert.throws(() => findConfigFile(undefined, { FLOWMAP_CONFIG: 'gone.yaml' }, dir), /FLOWMAP_CONFIG/);
  writeFileSync(join(dir, 'broken.yaml'), 'services: [\n  port: 1\n');
  await assert.rejects(loadConfig('broken.yaml', {}, dir), (e: unknown) => e instanceof UsageError && e.message.startsWith('config file broken.yaml:'));
  writeFileSync(join(dir, 'empty.yaml'), '');
  assert.deepEqual((await loadConfig('empty.yaml', {}, dir)).flows, DEFAULT_FLOWS);
});

test('clear, located errors', () => {
  assert.equal(
    errorOf({ services: [{ port: 1, name: 'a' }, { port: 2, name: 'b' }, { port: 70000, name: 'c' }] }),
    'config file flowmap.yaml: services[2].port: expected a number 0-65535',
  );
  assert.equal(errorOf({ services: [{ port: 'ssh', name: 'a' }] }), 'config file flowmap.yaml: services[0].port: expected a number 0-65535');
  assert.equal(errorOf({ services: [{ port: 1, proto: 'icmp', name: 'a' }] }), 'config file flowmap.yaml: services[0].proto: expected tcp, udp or sctp');
  assert.equal(errorOf({ services: [{ port: 1 }] }), 'config file flowmap.yaml: services[0].name: expected a name (text)');
  assert.equal(errorOf({ flows: { idleTimeout: 'soon' } }), 'config file flowmap.yaml: flows.idleTimeout: expected a duration like 15s, 2m, 1h or a number of seconds');
  assert.equal(errorOf({ flows: { activeTimeout: 0 } }), 'config file flowmap.yaml: flows.activeTimeout: must be more than 0');
  assert.equal(errorOf({ flows: { maxFlows: 1.5 } }), 'config file flowmap.yaml: flows.maxFlows: expected a whole number');
  assert.equal(errorOf({ flows: { conversationMemory: 0 } }), 'config file flowmap.yaml: flows.conversationMemory: must be at least 1');
  assert.equal(errorOf({ dbb: 'x' }), 'config file flowmap.yaml: unknown key dbb');
  assert.equal(errorOf(['a']), 'config file flowmap.yaml: expected a mapping at the top level');
  assert.equal(errorOf({ services: { port: 1 } }), 'config file flowmap.yaml: services: expected a list of { port, proto, name }');
});
