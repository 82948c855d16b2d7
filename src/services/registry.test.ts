import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ServiceRegistry } from './registry.js';
import { UsageError } from '../util/errors.js';

const TCP = 6, UDP = 17, SCTP = 132;

test('built-in names, per protocol', () => {
  const r = ServiceRegistry.builtin();
  assert.ok(r.size >= 300, `size ${r.size}`);
  const expect: Array<[number, number, string]> = [
    [22, TCP, 'ssh'], [53, UDP, 'dns'], [53, TCP, 'dns'], [80, TCP, 'http'], [443, TCP, 'https'], [443, UDP, 'quic'],
    [445, TCP, 'smb'], [514, UDP, 'syslog'], [902, TCP, 'vmware-esxi-nfc'], [2049, TCP, 'nfs'], [3306, TCP, 'mysql'],
    [8086, TCP, 'influxdb'], [9090, TCP, 'prometheus'], [9091, TCP, 'prometheus-pushgateway'], [9100, TCP, 'node-exporter'],
    [8181, TCP, 'tautulli'], [32400, TCP, 'plex'], [3000, TCP, 'grafana'], [5601, TCP, 'kibana'], [8200, TCP, 'vault'],
    [8500, TCP, 'consul'], [11211, TCP, 'memcached'], [5044, TCP, 'beats'], [2055, UDP, 'netflow'], [4739, UDP, 'ipfix'],
    [6343, UDP, 'sflow'], [6443, TCP, 'kubernetes-api'], [10250, TCP, 'kubelet'], [67, UDP, 'dhcp'], [1812, UDP, 'radius'],
    [8080, TCP, 'http-alt'], [8000, TCP, 'http-alt'], [8443, TCP, 'https-alt'], [27017, TCP, 'mongodb'], [22, SCTP, 'ssh'],
  ];
  for (const [port, proto, name] of expect) assert.equal(r.name(port, proto), name, `${port}/${proto}`);
  assert.equal(r.name(53, 1), null); // ICMP has no ports
  assert.equal(r.name(3306, UDP), null); // per protocol
  assert.equal(r.name(51234, TCP), null);
  assert.equal(r.isService(443, TCP), true);
  assert.equal(r.isService(51234, TCP), false);
  assert.equal(ServiceRegistry.builtin(), r);
});

test('overrides replace and add, without touching the built-in table', () => {
  const base = ServiceRegistry.builtin();
  const r = base.withOverrides([
    { port: 902, proto: 'tcp', name: 'backup-nfc' },
    { port: 4000, name: 'ntopng' },
    { port: 7777, proto: 'udp', name: 'game' },
    { port: 7777, proto: 'udp', name: 'game2' },
  ]);
  assert.equal(r.name(902, TCP), 'backup-nfc');
  assert.equal(r.name(902, UDP), 'vmware-esxi-nfc');
  assert.equal(r.name(4000, TCP), 'ntopng');
  assert.equal(r.name(4000, UDP), 'ntopng');
  assert.equal(r.name(7777, UDP), 'game2');
  assert.equal(r.isService(4000, TCP), true);
  assert.equal(base.name(902, TCP), 'vmware-esxi-nfc');
  assert.equal(base.isService(4000, TCP), false);
  assert.throws(() => base.withOverrides([{ port: 70000, name: 'x' }]), (e: unknown) => e instanceof UsageError && /services\[0\]\.port/.test(e.message));
  assert.throws(() => base.withOverrides([{ port: 1, proto: 'icmp', name: 'x' }]), UsageError);
  assert.throws(() => base.withOverrides([{ port: 1, name: ' ' }]), UsageError);
});
