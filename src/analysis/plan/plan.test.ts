import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GroupRules } from '../../graph/groups.js';
import { NameBook } from '../../names/names.js';
import { DC, dcApp, dcRows } from '../../testing/dc-rows.js';
import { UsageError } from '../../util/errors.js';
import { scopeOf } from '../scope.js';
import { NO_CONSTRAINTS, type PlanConstraints } from './constraints.js';
import { planWaves, type PlanOptions, type PlanResult } from './plan.js';

const K = 4;
const scope = scopeOf(dcRows(K), new NameBook(), new GroupRules());
const plan = (o: Omit<Partial<PlanOptions>, 'constraints'> & { constraints?: Partial<PlanConstraints> } = {}): PlanResult =>
  planWaves(scope, { waves: K, maxHosts: null, shared: { mode: 'auto' }, ...o, constraints: { ...NO_CONSTRAINTS, ...o.constraints } });
const waveSets = (r: PlanResult) => r.waves.map((w) => w.hosts.map((h) => h.address).sort().join(' '));
const appSets = Array.from({ length: K }, (_, a) => [...dcApp(a).hosts].sort().join(' '));
const waveOf = (r: PlanResult, host: string) => r.waves.find((w) => w.hosts.some((h) => h.address === host))?.wave;

test('plan --waves K finds the K applications and lists the shared services apart', () => {
  const r = plan();
  assert.deepEqual(waveSets(r).sort(), [...appSets].sort());
  assert.deepEqual(r.shared.map((s) => `${s.address} ${s.role}`), [`${DC.dns} server`, `${DC.ntp} server`, `${DC.ldap} server`, `${DC.monitor} client`, `${DC.backup} client`]);
  assert.deepEqual(r.shared[0].services, ['domain 53/udp']);
  assert.deepEqual(r.shared[0].waves, [1, 2, 3, 4]);
  assert.equal(r.shared[0].per_wave.reduce((s, p) => s + p.bytes, 0), r.shared[0].bytes);
  assert.equal(r.communities, K);
  // The cut is the thin calls between neighbouring applications, and beats the baseline by far.
  assert.deepEqual(r.cut, { bytes: 2000 + 2001 + 2002 + 2003, dependencies: 4 });
  assert.ok(r.baseline.cut.bytes > 100 * r.cut.bytes, JSON.stringify(r.baseline));
});

test('cross lists and cut are exact sums of the crossing edges', () => {
  const r = plan();
  const wave = new Map<string, number>();
  for (const w of r.waves) for (const h of w.hosts) wave.set(h.address, w.wave);
  const shared = new Set(r.shared.map((s) => s.address));
  let cutBytes = 0;
  let internal = 0;
  for (const e of scope.rows) {
    const [a, b] = [wave.get(e.client), wave.get(e.server)];
    if (a !== undefined && b !== undefined && a !== b) cutBytes += e.bytes;
    if (a !== undefined && a === b) internal += e.bytes;
  }
  assert.equal(r.cut.bytes, cutBytes);
  assert.equal(r.waves.reduce((s, w) => s + w.bytes_internal, 0), internal);
  for (const w of r.waves) {
    for (const e of w.cross) {
      const mine = wave.get(e.client) === w.wave ? e.server : e.client;
      assert.equal(e.other_wave, shared.has(mine) ? null : wave.get(mine));
    }
    assert.equal(w.bytes_cross, w.cross.reduce((s, e) => s + e.bytes, 0));
  }
});

test('fewer waves than applications: --max-hosts keeps every application whole', () => {
  const r = plan({ waves: 2, maxHosts: 10 });
  assert.equal(r.waves.length, 2);
  for (const w of r.waves) assert.equal(w.hosts.length, 10);
  const sets = waveSets(r).map((s) => new Set(s.split(' ')));
  for (let a = 0; a < K; a++) assert.ok(sets.some((s) => dcApp(a).hosts.every((h) => s.has(h))), `application ${a} split`);
  // Neighbouring applications share a wave: 2 of the 4 thin calls cross.
  assert.equal(r.cut.dependencies, 2);
});

test('pin, together and apart hold; apart inside an application splits it and the cut shows it', () => {
  const a0 = dcApp(0);
  const a2 = dcApp(2);
  const r = plan({ constraints: { pins: [{ host: a0.db, wave: 3 }], together: [[a0.web[0], a2.web[0]]], apart: [] }, maxHosts: 10 });
  assert.equal(waveOf(r, a0.db), 3);
  assert.equal(waveOf(r, a0.web[0]), waveOf(r, a2.web[0]));
  const split = plan({ constraints: { pins: [], together: [], apart: [[a0.web[0], a0.db]] } });
  assert.notEqual(waveOf(split, a0.web[0]), waveOf(split, a0.db));
  assert.ok(split.cut.bytes > plan().cut.bytes + 100_000, `${split.cut.bytes}`);
});

test('impossible constraints are usage errors that name the conflict', () => {
  const a0 = dcApp(0);
  const conflict = (o: Parameters<typeof plan>[0], re: RegExp) => assert.throws(() => plan(o), (e: unknown) => e instanceof UsageError && re.test(e.message));
  conflict({ constraints: { together: [[a0.web[0], a0.db]], apart: [[a0.web[0], a0.db]] } }, /--apart .* must move together/);
  conflict({ constraints: { pins: [{ host: a0.web[0], wave: 1 }, { host: a0.db, wave: 2 }], together: [[a0.web[0], a0.db]] } }, /--pin .* different waves/);
  conflict({ constraints: { pins: [{ host: a0.web[0], wave: 1 }, { host: a0.db, wave: 1 }], apart: [[a0.web[0], a0.db]] } }, /pin both to wave 1/);
  conflict({ maxHosts: 4 }, /4 waves of at most 4 hosts hold 16, fewer than the 20/);
  conflict({ constraints: { together: [[...a0.hosts, ...dcApp(1).hosts].join(',')].map((s) => s.split(',')) }, maxHosts: 8 }, /group of 10 hosts, more than --max-hosts 8/);
  conflict({ constraints: { pins: [{ host: '10.99.0.1', wave: 1 }] } }, /10\.99\.0\.1 has no traffic in scope/);
  conflict({ shared: { mode: 'list', hosts: [DC.dns] }, constraints: { pins: [{ host: DC.dns, wave: 1 }] } }, /shared service/);
});

test('--shared none plans every host; a list names them by hand; the plan is deterministic', () => {
  const none = plan({ shared: { mode: 'none' }, waves: 2 });
  assert.equal(none.shared.length, 0);
  assert.equal(none.waves.reduce((s, w) => s + w.hosts.length, 0), K * 5 + 5);
  const listed = plan({ shared: { mode: 'list', hosts: [DC.dns, DC.ntp] } });
  assert.deepEqual(listed.shared.map((s) => `${s.address} ${s.found}`), [`${DC.dns} listed`, `${DC.ntp} listed`]);
  assert.equal(JSON.stringify(plan({ waves: 3 })), JSON.stringify(plan({ waves: 3 })));
});
