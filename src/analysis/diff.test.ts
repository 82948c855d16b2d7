import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GroupRules } from '../graph/groups.js';
import { NameBook } from '../names/names.js';
import { edgeRow } from '../testing/dc-rows.js';
import { UsageError } from '../util/errors.js';
import { diffScopes, type TimeWindow } from './diff.js';
import { parseThreshold, parseWindow } from './diff-options.js';
import { scopeOf } from './scope.js';

const H = 3_600_000;
const T0 = Date.UTC(2026, 2, 2, 8);
const hour = (k: number, hours = 1): TimeWindow => ({ fromMs: T0 + k * H, toMs: T0 + (k + hours) * H });
const names = new NameBook([{ address: '10.0.0.9', name: 'new.example', source: 'config', first_seen: '', last_seen: '' }]);
const groups = new GroupRules([{ name: 'shop', subnets: ['10.0.0.0/29'] }]);
const scope = (rows: ReturnType<typeof edgeRow>[]) => scopeOf(rows, names, groups);

// web -> app grows 5x, app -> db moves 1.5x (no change), app -> old cache goes, new host 9 -> app appears.
const before = scope([
  edgeRow('10.0.0.1', '10.0.0.2', 8080, 'tcp', 1000, 'http-alt'),
  edgeRow('10.0.0.2', '10.0.0.3', 5432, 'tcp', 4000, 'postgresql'),
  edgeRow('10.0.0.2', '10.0.0.4', 6379, 'tcp', 300, 'redis'),
  edgeRow('10.0.0.4', '10.0.0.5', 53, 'udp', 10, 'domain'),
]);
const after = scope([
  edgeRow('10.0.0.1', '10.0.0.2', 8080, 'tcp', 5000, 'http-alt'),
  edgeRow('10.0.0.2', '10.0.0.3', 5432, 'tcp', 6000, 'postgresql'),
  edgeRow('10.0.0.9', '10.0.0.2', 8080, 'tcp', 700, 'http-alt'),
  edgeRow('10.0.0.9', '10.0.0.5', 53, 'udp', 20, 'domain'),
]);

test('diff: added, removed, changed by the threshold, unchanged counted, hosts in one window only', () => {
  const d = diffScopes(before, after, { before: hour(0), after: hour(1), threshold: 2 });
  assert.deepEqual(d.before, { from: '2026-03-02T08:00:00.000Z', to: '2026-03-02T09:00:00.000Z', seconds: 3600 });
  assert.equal(d.compared, 'bytes');
  assert.deepEqual(d.added.map((e) => [e.client, e.server, e.port, e.bytes]), [['10.0.0.9', '10.0.0.2', 8080, 700], ['10.0.0.9', '10.0.0.5', 53, 20]]);
  assert.deepEqual(d.removed.map((e) => [e.client, e.server, e.port, e.bytes]), [['10.0.0.2', '10.0.0.4', 6379, 300], ['10.0.0.4', '10.0.0.5', 53, 10]]);
  assert.deepEqual(d.changed, [{ client: '10.0.0.1', server: '10.0.0.2', port: 8080, proto: 'tcp', service: 'http-alt', bytes_before: 1000, bytes_after: 5000, ratio: 5 }]);
  assert.equal(d.unchanged, 1);
  assert.deepEqual(d.hosts_added, [{ address: '10.0.0.9', name: 'new.example', group: null, bytes: 720 }]);
  assert.deepEqual(d.hosts_removed, [{ address: '10.0.0.4', name: null, group: 'shop', bytes: 310 }]);
  assert.deepEqual(d.notes, []);
});

test('diff: a fall to 1/threshold is a change; just above it is not', () => {
  const b = scope([edgeRow('10.0.0.1', '10.0.0.2', 80, 'tcp', 1000), edgeRow('10.0.0.1', '10.0.0.3', 80, 'tcp', 1000)]);
  const a = scope([edgeRow('10.0.0.1', '10.0.0.2', 80, 'tcp', 500), edgeRow('10.0.0.1', '10.0.0.3', 80, 'tcp', 501)]);
  const d = diffScopes(b, a, { before: hour(0), after: hour(1), threshold: 2 });
  assert.deepEqual(d.changed.map((c) => [c.server, c.ratio]), [['10.0.0.2', 0.5]]);
  assert.equal(d.unchanged, 1);
});

test('diff: windows of different lengths compare rates, and say so', () => {
  // 1 h before, 2 h after: twice the bytes is the same rate; four times is twice the rate.
  const b = scope([edgeRow('10.0.0.1', '10.0.0.2', 80, 'tcp', 1000), edgeRow('10.0.0.1', '10.0.0.3', 80, 'tcp', 1000)]);
  const a = scope([edgeRow('10.0.0.1', '10.0.0.2', 80, 'tcp', 2000), edgeRow('10.0.0.1', '10.0.0.3', 80, 'tcp', 4000)]);
  const d = diffScopes(b, a, { before: hour(0), after: hour(1, 2), threshold: 2 });
  assert.equal(d.compared, 'rates');
  assert.deepEqual([d.before.seconds, d.after.seconds], [3600, 7200]);
  assert.deepEqual(d.changed.map((c) => [c.server, c.bytes_before, c.bytes_after, c.ratio]), [['10.0.0.3', 1000, 4000, 2]]);
  assert.equal(d.unchanged, 1);
  assert.match(d.notes.join('\n'), /differ in length \(3600 s before, 7200 s after\): ratios compare rates/);
});

test('diff: overlapping and empty windows are answered, with notes', () => {
  const d = diffScopes(scope([]), after, { before: hour(0, 2), after: hour(1), threshold: 2 });
  assert.equal(d.added.length, 4);
  assert.equal(d.hosts_added.length, 5);
  assert.match(d.notes.join('\n'), /overlap by 3600 s/);
  assert.match(d.notes.join('\n'), /before window holds no traffic/);
  const both = diffScopes(scope([]), scope([]), { before: hour(0), after: hour(1), threshold: 2 });
  assert.deepEqual([both.added, both.removed, both.changed, both.unchanged], [[], [], [], 0]);
});

test('diff: --min-bytes keeps a dependency heavy in either window (no fake adds or removals)', () => {
  const d = diffScopes(before, after, { before: hour(0), after: hour(1), threshold: 2, minBytes: 500 });
  // 10.0.0.4 -> .5 (10 B) and 9 -> .5 (20 B) drop out; app -> cache (300 B) too; .4 then is in neither window.
  assert.deepEqual(d.removed, []);
  assert.deepEqual(d.added.map((e) => e.client), ['10.0.0.9']);
  assert.deepEqual(d.hosts_removed, []);
});

test('diff: a zero-byte dependency before has no ratio; rows sort by bytes, then key', () => {
  const b = scope([edgeRow('10.0.0.1', '10.0.0.2', 80, 'tcp', 0)]);
  const a = scope([edgeRow('10.0.0.1', '10.0.0.2', 80, 'tcp', 10), edgeRow('10.0.0.10', '10.0.0.2', 80, 'tcp', 10), edgeRow('10.0.0.9', '10.0.0.2', 80, 'tcp', 10)]);
  const d = diffScopes(b, a, { before: hour(0), after: hour(1), threshold: 2 });
  assert.equal(d.changed[0].ratio, null);
  assert.deepEqual(d.added.map((e) => e.client), ['10.0.0.9', '10.0.0.10']);
});

test('diff options: windows FROM..TO and the threshold', () => {
  const now = T0 + 10 * H;
  assert.deepEqual(parseWindow('2026-03-02T08:00Z..2026-03-02T09:00Z', now, '--before'), hour(0));
  assert.deepEqual(parseWindow('2h..1h', now, '--after'), { fromMs: now - 2 * H, toMs: now - H });
  assert.deepEqual(parseWindow('1.5h..now', now, '--after'), { fromMs: now - 1.5 * H, toMs: now });
  assert.throws(() => parseWindow(undefined, now, '--after'), (e: Error) => e instanceof UsageError && /--after: required/.test(e.message));
  assert.throws(() => parseWindow('1h..2h', now, '--before'), /--before: FROM \(.*\) must be before TO/);
  assert.throws(() => parseWindow('2h', now, '--before'), /not a window FROM\.\.TO/);
  assert.throws(() => parseWindow('2h..', now, '--before'), /give both ends/);
  assert.throws(() => parseWindow('yesterday..now', now, '--before'), /--before \(from\): cannot parse/);
  assert.equal(parseThreshold(undefined), 2);
  assert.equal(parseThreshold('1.5'), 1.5);
  assert.equal(parseThreshold('5x'), 5);
  for (const bad of ['1', '0.5', '-2', 'two', '', 'Infinity']) assert.throws(() => parseThreshold(bad), /--threshold: .* is not a ratio above 1/, bad);
});
