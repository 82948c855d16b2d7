import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { DepsResult } from '../analysis/deps.js';
import type { CriticalHost } from '../analysis/critical.js';
import type { PlanResult } from '../analysis/plan/plan.js';
import type { EdgeRow } from '../store/store.js';
import { labCli, labDcStore, type LabDc } from '../testing/lab-dc.js';

const APPS = 6;
let dir: string;
let lab: LabDc;
const { cli, json } = labCli(() => lab);
const sorted = (xs: Iterable<string>) => [...xs].sort().join(' ');
const waveSets = (p: PlanResult) => p.waves.map((w) => sorted(w.hosts.map((h) => h.address))).sort();

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'flowmap-plan-'));
  lab = labDcStore(dir, APPS);
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('flowmap plan on the lab data centre', () => {
  it('--waves K finds exactly the K applications and lists the shared hosts as shared', () => {
    const p = json<PlanResult>('plan', '--waves', String(APPS));
    assert.deepEqual(waveSets(p), lab.truth.apps.map((a) => sorted(a.hosts)).sort());
    assert.equal(sorted(p.shared.map((s) => s.address)), sorted([...lab.truth.sharedServers, ...lab.truth.sharedClients]));
    const backup = p.shared.find((s) => s.name?.startsWith('backup'));
    assert.equal(backup?.role, 'client');
    assert.equal(p.shared.find((s) => s.name?.startsWith('dns'))?.role, 'server');
    assert.ok(p.waves[0].hosts.every((h) => h.name?.endsWith('.dc.example')));
  });

  it('the numbers are exact: cut and cross bytes are sums of top --by edges, the cut beats the baseline, p95 is sane', () => {
    const p = json<PlanResult>('plan', '--waves', String(APPS));
    const edges = json<EdgeRow[]>('top', '--by', 'edges', '--limit', '1000000');
    const wave = new Map<string, number>();
    for (const w of p.waves) for (const h of w.hosts) wave.set(h.address, w.wave);
    const crossing = edges.filter((e) => wave.has(e.client) && wave.has(e.server) && wave.get(e.client) !== wave.get(e.server));
    assert.deepEqual(p.cut, { bytes: crossing.reduce((s, e) => s + e.bytes, 0), dependencies: crossing.length });
    assert.ok(p.cut.dependencies >= APPS - 1, 'the applications call each other');
    assert.ok(p.baseline.cut.bytes > 10 * p.cut.bytes, `baseline ${p.baseline.cut.bytes} vs ${p.cut.bytes}`);
    assert.equal(p.bucket_s, 300);
    for (const w of p.waves) {
      const mine = edges.filter((e) => (wave.get(e.client) === w.wave) !== (wave.get(e.server) === w.wave) && (wave.get(e.client) === w.wave || wave.get(e.server) === w.wave));
      assert.equal(w.cross.length, mine.length);
      assert.equal(w.bytes_cross, mine.reduce((s, e) => s + e.bytes, 0));
      for (const e of w.cross) {
        // An hour in 300 s buckets: p95 is at least the mean rate, at most all bytes in one bucket.
        assert.ok(e.p95_bps !== null && e.p95_bps >= 0 && e.p95_bps <= (e.bytes * 8) / 300 + 1e-9, JSON.stringify(e));
      }
    }
  });

  it('fewer waves than applications: --max-hosts keeps every application whole', () => {
    const p = json<PlanResult>('plan', '--waves', '2', '--max-hosts', '15');
    assert.equal(p.waves.length, 2);
    const sets = p.waves.map((w) => new Set(w.hosts.map((h) => h.address)));
    for (const s of sets) assert.ok(s.size <= 15);
    for (const a of lab.truth.apps) assert.ok(sets.some((s) => a.hosts.every((h) => s.has(h))), `${a.name} split`);
  });

  it('pin, together and apart hold; apart inside an application splits it and the cut shows the cost', () => {
    const [a1, a2] = lab.truth.apps;
    const base = json<PlanResult>('plan', '--waves', String(APPS));
    const waveOf = (p: PlanResult, h: string) => p.waves.find((w) => w.hosts.some((x) => x.address === h))?.wave;
    const p = json<PlanResult>('plan', '--waves', String(APPS), '--pin', `${a1.databases[0]}=4`, '--together', `${a1.hosts[0]},${a2.hosts[0]}`, '--max-hosts', '10');
    assert.equal(waveOf(p, a1.databases[0]), 4);
    assert.equal(waveOf(p, a1.hosts[0]), waveOf(p, a2.hosts[0]));
    const web = a1.tiers.web[0];
    const split = json<PlanResult>('plan', '--waves', String(APPS), '--apart', `${web},${a1.databases[0]}`);
    assert.notEqual(waveOf(split, web), waveOf(split, a1.databases[0]));
    assert.ok(split.cut.bytes > base.cut.bytes && split.cut.dependencies > base.cut.dependencies, `${JSON.stringify(split.cut)} vs ${JSON.stringify(base.cut)}`);
  });

  it('impossible constraints exit 2 with the conflict named; the plan is deterministic', () => {
    const [a1] = lab.truth.apps;
    const r = cli('plan', '--waves', '3', '--together', `${a1.hosts[0]},${a1.hosts[1]}`, '--apart', `${a1.hosts[0]},${a1.hosts[1]}`);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /constraints conflict: --apart .* must move together/);
    assert.equal(cli('plan', '--waves', '2', '--max-hosts', '3').code, 2);
    assert.equal(cli('plan', '--waves', '3', '--pin', '10.1.1.1=9').code, 2);
    assert.equal(cli('plan', '--waves', '4', '--json').stdout, cli('plan', '--waves', '4', '--json').stdout);
  });

  it('draws the plan: one container per wave and one for the shared services', () => {
    const out = join(dir, 'plan.mmd');
    const r = cli('plan', '--waves', String(APPS), '-f', 'mermaid', '-o', out);
    assert.equal(r.code, 0, r.stderr);
    const text = readFileSync(out, 'utf8');
    for (let w = 1; w <= APPS; w++) assert.ok(text.includes(`wave ${w}`), `wave ${w}`);
    assert.ok(text.includes('shared services'));
  });
});

describe('flowmap export --clusters on the lab data centre', () => {
  it('draws each application as a container named after its busiest host, the shared services apart', () => {
    const r = cli('export', '-f', 'json', '--clusters', '--top', '0');
    assert.equal(r.code, 0, r.stderr);
    const g = JSON.parse(r.stdout) as { nodes: Array<{ id: string; key: string; group?: string }>; groups: Array<{ id: string; name: string; members: string[] }> };
    const keyOf = new Map(g.nodes.map((n) => [n.id, n.key]));
    const sets = g.groups.map((c) => ({ name: c.name, hosts: sorted(c.members.map((m) => keyOf.get(m) as string)) }));
    assert.equal(sets.length, APPS + 1);
    assert.equal(sets[sets.length - 1].name, 'shared services');
    assert.equal(sets[sets.length - 1].hosts, sorted([...lab.truth.sharedServers, ...lab.truth.sharedClients]));
    assert.deepEqual(sets.slice(0, -1).map((x) => x.hosts).sort(), lab.truth.apps.map((a) => sorted(a.hosts)).sort());
    for (const c of sets.slice(0, -1)) assert.match(c.name, /\.app\d\d\.dc\.example$/, 'named after one of its hosts');
    const svg = cli('export', '-f', 'svg', '--clusters', '--top', '0');
    assert.equal(svg.code, 0, svg.stderr);
    assert.ok(svg.stdout.includes('shared services') && sets.every((c) => svg.stdout.includes(c.name)));
    assert.equal(cli('export', '-f', 'json', '--clusters', '--group-by', 'subnet').code, 2);
  });
});

describe('flowmap deps on the lab data centre', () => {
  it('down from a web host: its application tier and shared servers, then the database and the next application', () => {
    const [a1, a2] = lab.truth.apps;
    const name = (a: string) => lab.truth.names.find((n) => n.address === a)?.name as string;
    const web = a1.tiers.web[0];
    const servers = (client: string) => new Set(lab.truth.dependencies.filter((d) => d.client === client).map((d) => d.server));
    const one = servers(web);
    const two = new Set([...one].flatMap((h) => [...servers(h)]).filter((h) => h !== web && !one.has(h)));
    const r = json<DepsResult>('deps', name(web), '--depth', '2');
    assert.equal(r.target, name(web));
    assert.deepEqual(r.targets.map((t) => t.address), [web]);
    assert.equal(sorted(r.hosts.filter((h) => h.distance === 1).map((h) => h.address)), sorted(one));
    assert.equal(sorted(r.hosts.filter((h) => h.distance === 2).map((h) => h.address)), sorted(two));
    // The hand-worked part: app tier at 1, the database and LDAP and the next application's web tier at 2.
    for (const h of a1.tiers.app) assert.ok(one.has(h));
    assert.ok(two.has(a1.databases[0]) && a2.tiers.web.some((h) => two.has(h)));
    assert.ok(r.edges.every((e) => e.distance <= 2 && (e.distance === 1 ? e.client === web : one.has(e.client))));
  });

  it('up from a database: its blast radius', () => {
    const [a1] = lab.truth.apps;
    const db = a1.databases[0];
    const r = json<DepsResult>('deps', db, '--direction', 'up', '--depth', '2');
    const at = (d: number) => sorted(r.hosts.filter((h) => h.distance === d).map((h) => h.address));
    assert.equal(at(1), sorted([...a1.tiers.app, ...lab.truth.sharedClients]));
    assert.equal(at(2), sorted(a1.tiers.web));
    const critical = json<CriticalHost[]>('deps', '--critical', '--limit', '5');
    assert.equal(critical.length, 5);
    assert.ok(critical[0].dependents_total >= critical[4].dependents_total);
  });

  it('usage errors exit 2', () => {
    assert.equal(cli('deps').code, 2);
    assert.equal(cli('deps', 'no-such-host.example').code, 2);
    assert.equal(cli('deps', '10.0.0.1', '--direction', 'sideways').code, 2);
  });
});
