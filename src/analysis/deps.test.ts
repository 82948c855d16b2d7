import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GroupRules } from '../graph/groups.js';
import { NameBook } from '../names/names.js';
import { edgeRow } from '../testing/dc-rows.js';
import { UsageError } from '../util/errors.js';
import { criticalHosts } from './critical.js';
import { dependencies } from './deps.js';
import { scopeOf } from './scope.js';
import { resolveTarget } from './target.js';

// web -> app -> db, app -> cache, batch -> db, db -> ntp; a cycle app <-> queue.
const rows = [
  edgeRow('10.0.0.1', '10.0.0.2', 8080, 'tcp', 1000),
  edgeRow('10.0.0.2', '10.0.0.3', 5432, 'tcp', 900),
  edgeRow('10.0.0.2', '10.0.0.3', 9187, 'tcp', 10),
  edgeRow('10.0.0.2', '10.0.0.4', 6379, 'tcp', 800),
  edgeRow('10.0.0.9', '10.0.0.3', 5432, 'tcp', 700),
  edgeRow('10.0.0.3', '10.0.0.10', 123, 'udp', 50),
  edgeRow('10.0.0.2', '10.0.0.5', 5672, 'tcp', 40),
  edgeRow('10.0.0.5', '10.0.0.2', 8080, 'tcp', 30),
];
const names = new NameBook([{ address: '10.0.0.3', name: 'db1.example', source: 'config', first_seen: '', last_seen: '' }]);
const scope = scopeOf(rows, names, new GroupRules([{ name: 'shop', subnets: ['10.0.0.0/30'] }]));
const hostsOf = (r: ReturnType<typeof dependencies>) => r.hosts.map((h) => `${h.address}@${h.distance}`);

test('deps down: what the target calls, then what those call, by fewest hops', () => {
  const r = dependencies(scope, resolveTarget(scope, '10.0.0.1'), 'down', null);
  assert.deepEqual(hostsOf(r), ['10.0.0.2@1', '10.0.0.3@2', '10.0.0.4@2', '10.0.0.5@2', '10.0.0.10@3']);
  assert.deepEqual(r.hosts[1], { address: '10.0.0.3', name: 'db1.example', group: 'shop', distance: 2, relation: 'down' });
  // Every edge taken, at the hop it is taken, with top --by edges fields; the loop back to 10.0.0.2 too.
  assert.deepEqual(r.edges.map((e) => `${e.client}>${e.server}:${e.port}@${e.distance}`), [
    '10.0.0.1>10.0.0.2:8080@1', '10.0.0.2>10.0.0.3:5432@2', '10.0.0.2>10.0.0.4:6379@2', '10.0.0.2>10.0.0.5:5672@2',
    '10.0.0.2>10.0.0.3:9187@2', '10.0.0.3>10.0.0.10:123@3', '10.0.0.5>10.0.0.2:8080@3',
  ]);
  assert.equal(r.edges[0].bytes, 1000);
  assert.equal(dependencies(scope, resolveTarget(scope, '10.0.0.1'), 'down', 1).hosts.length, 1);
  assert.deepEqual(dependencies(scope, resolveTarget(scope, '10.0.0.1'), 'down', 1).edges.length, 1);
});

test('deps up: the blast radius', () => {
  const r = dependencies(scope, resolveTarget(scope, 'db1.example'), 'up', null);
  assert.deepEqual(hostsOf(r), ['10.0.0.2@1', '10.0.0.9@1', '10.0.0.1@2', '10.0.0.5@2']);
  const both = dependencies(scope, resolveTarget(scope, '10.0.0.3'), 'both', null);
  assert.deepEqual(both.hosts.map((h) => `${h.address}@${h.distance}:${h.relation}`), [
    '10.0.0.2@1:up', '10.0.0.9@1:up', '10.0.0.10@1:down', '10.0.0.1@2:up', '10.0.0.5@2:up',
  ]);
});

test('TARGET: address, CIDR, config group, name pattern; unknown names are usage errors', () => {
  assert.deepEqual(resolveTarget(scope, '10.0.0.0/31').addresses, ['10.0.0.1']);
  assert.deepEqual(resolveTarget(scope, 'shop').addresses, ['10.0.0.1', '10.0.0.2', '10.0.0.3']);
  assert.deepEqual(resolveTarget(scope, 'DB*').addresses, ['10.0.0.3']);
  assert.throws(() => resolveTarget(scope, 'nosuch'), UsageError);
  // A group as TARGET: the group's own members are targets, not answers.
  const g = dependencies(scope, resolveTarget(scope, 'shop'), 'down', null);
  assert.deepEqual(hostsOf(g), ['10.0.0.4@1', '10.0.0.5@1', '10.0.0.10@1']);
});

test('critical: ranked by transitive dependents; a cycle counts each member once', () => {
  const c = criticalHosts(scope, 10);
  assert.deepEqual(c.map((h) => `${h.address}:${h.dependents_total}/${h.dependents_direct}`), [
    '10.0.0.10:5/1', '10.0.0.3:4/2', '10.0.0.4:3/1', '10.0.0.2:2/2', '10.0.0.5:2/1',
  ]);
  assert.deepEqual(c[1].services, ['5432/tcp', '9187/tcp']);
  assert.equal(criticalHosts(scope, 2).length, 2);
});
