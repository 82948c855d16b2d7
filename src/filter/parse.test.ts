import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFilter } from './parse.js';
import { UsageError } from '../util/errors.js';

const NOW = Date.UTC(2026, 10, 28, 8);

test('defaults', () => {
  assert.deepEqual(parseFilter({}, NOW), { subnets: [], excludes: [], hosts: [], clients: [], servers: [], ports: [], protos: [], exporters: [], interfaces: [], limit: 10 });
});

test("the workflow question: lab /24 minus one host, by service", () => {
  const f = parseFilter({ subnet: ['192.168.1.0/24'], exclude: ['192.168.1.151'], limit: '10' }, NOW);
  assert.deepEqual(f.subnets.map((r) => r.text), ['192.168.1.0/24']);
  assert.deepEqual(f.excludes.map((r) => r.text), ['192.168.1.151']);
  assert.equal(f.limit, 10);
});

test('lists, repeats, names and numbers', () => {
  const f = parseFilter(
    { port: ['443,8443', '80', '443'], proto: ['tcp', '17', 'ICMPv6'], host: ['10.0.0.1, 2001:db8::1'], minBytes: '1.5GB', limit: 25, since: '2h', until: 'now' },
    NOW,
  );
  assert.deepEqual(f.ports, [443, 8443, 80]);
  assert.deepEqual(f.protos, [6, 17, 58]);
  assert.deepEqual(f.hosts.map((h) => h.text), ['10.0.0.1', '2001:db8::1']);
  assert.equal(f.minBytes, 1_500_000_000);
  assert.equal(f.limit, 25);
  assert.equal(f.since, NOW - 7_200_000);
  assert.equal(f.until, NOW);
  assert.equal(parseFilter({ minBytes: '10MiB' }, NOW).minBytes, 10 * 1024 * 1024);
  assert.equal(parseFilter({ port: ['0', '65535'] }, NOW).ports.length, 2);
});

test('client and server ends', () => {
  const f = parseFilter({ client: ['10.0.0.1,10.0.0.0/8'], server: ['2001:db8::/32'] }, NOW);
  assert.deepEqual(f.clients.map((r) => r.text), ['10.0.0.1', '10.0.0.0/8']);
  assert.deepEqual(f.servers.map((r) => r.text), ['2001:db8::/32']);
  assert.throws(() => parseFilter({ server: ['10.0.0.300'] }, NOW), /--server/);
});

test('errors name the option', () => {
  const bad: Array<[Parameters<typeof parseFilter>[0], string]> = [
    [{ port: ['65536'] }, '--port'],
    [{ port: ['-1'] }, '--port'],
    [{ port: ['http'] }, '--port'],
    [{ port: ['8000-8100'] }, '--port'],
    [{ port: ['443; DROP TABLE flows'] }, '--port'],
    [{ proto: ['tcpp'] }, '--proto'],
    [{ proto: ['256'] }, '--proto'],
    [{ subnet: ["1.2.3.4'; DROP TABLE flows;--"] }, '--subnet'],
    [{ exclude: ['192.168.1.0/33'] }, '--exclude'],
    [{ host: ['example.com'] }, '--host'],
    [{ limit: '0' }, '--limit'],
    [{ limit: -3 }, '--limit'],
    [{ limit: '1.5' }, '--limit'],
    [{ limit: '10 OR 1=1' }, '--limit'],
    [{ minBytes: 'lots' }, '--min-bytes'],
    [{ since: 'yesterday' }, '--since'],
    [{ until: '2026-11-31' }, '--until'],
    [{ since: '1h', until: '2h' }, '--since'],
  ];
  for (const [raw, opt] of bad) {
    assert.throws(() => parseFilter(raw, NOW), (e: unknown) => e instanceof UsageError && e.message.startsWith(opt), JSON.stringify(raw));
  }
});

test('exporters and interfaces: canonical addresses, ifIndex 0 to 2^32-1, lists and repeats', () => {
  const f = parseFilter({ exporter: ['192.0.2.1, 2001:DB8::0:1', '192.0.2.1'], interface: ['3,7', '4294967295', '3'] }, NOW);
  assert.deepEqual(f.exporters, ['192.0.2.1', '2001:db8::1']);
  assert.deepEqual(f.interfaces, [3, 7, 4_294_967_295]);
  assert.throws(() => parseFilter({ exporter: ['router1'] }, NOW), /--exporter: "router1" is not an IP address/);
  assert.throws(() => parseFilter({ interface: ['4294967296'] }, NOW), /--interface: "4294967296"/);
  assert.throws(() => parseFilter({ interface: ['eth0'] }, NOW), /--interface/);
});
