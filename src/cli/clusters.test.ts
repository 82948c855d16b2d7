/**
 * The applications `flowmap export --clusters` (and `plan --shared auto`) finds on generated estates
 * of several sizes, captured and ingested through the real pipeline, against the generator's truth:
 * each application drawn as exactly one cluster of its own, the shared services apart, none taken for
 * shared that is not.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DepGraph } from '../graph/model.js';
import { runCli } from '../testing/cli.js';
import { labDcStore } from '../testing/lab-dc.js';

const dir = mkdtempSync(join(tmpdir(), 'flowmap-clusters-'));
after(() => rmSync(dir, { recursive: true, force: true }));

// [applications, seed, shared hosts that must be found (of 9)]: with fewer than 6 applications a
// second DNS, NTP or LDAP server may serve a single application, which then owns it by its traffic.
const ESTATES: Array<[number, number, number]> = [
  [4, 4, 8],
  [6, 3, 9],
  [10, 6, 9],
  [40, 1, 9],
];

describe('applications found on generated estates', () => {
  for (const [apps, seed, sharedFound] of ESTATES) {
    test(`${apps} applications (seed ${seed}): one cluster each, the shared services apart`, { timeout: 120_000 }, () => {
      const dc = labDcStore(mkdtempSync(join(dir, `${apps}-${seed}-`)), apps, seed);
      const r = runCli(['--db', dc.db, '--config', dc.config, 'export', '-f', 'json', '--clusters', '--top', '0']);
      assert.equal(r.code, 0, r.stderr);
      const g = JSON.parse(r.stdout) as DepGraph;
      const groupOf = new Map(g.nodes.map((n) => [n.key, n.group]));
      const shared = g.groups.find((x) => x.shared);
      assert.ok(shared);
      const sharedKeys = new Set(shared.members.map((m) => g.nodes.find((n) => n.id === m)?.key));
      for (const a of dc.truth.apps) {
        const groups = new Set(a.hosts.map((h) => groupOf.get(h)));
        assert.equal(groups.size, 1, `${a.name} is one cluster`);
        const [id] = groups;
        assert.ok(id !== undefined && id !== shared.id, `${a.name} is an application`);
        const members = g.nodes.filter((n) => n.group === id).map((n) => n.key);
        const own = new Set(a.hosts);
        assert.ok(!members.some((m) => dc.truth.apps.some((b) => b !== a && b.hosts.includes(m))), `${a.name}'s cluster holds no other application's host`);
        assert.ok(members.filter((m) => !own.has(m)).length <= 3, `${a.name}'s cluster holds at most a few shared servers`);
      }
      const truthShared = [...dc.truth.sharedServers, ...dc.truth.sharedClients];
      assert.deepEqual([...sharedKeys].filter((k) => !truthShared.includes(k as string)), [], 'nothing else is taken for shared');
      assert.ok(truthShared.filter((h) => sharedKeys.has(h)).length >= sharedFound, `at least ${sharedFound} shared found: ${[...sharedKeys].join(' ')}`);
      // plan --shared auto lists the same shared services.
      const p = runCli(['--db', dc.db, '--config', dc.config, 'plan', '--waves', '2', '--json']);
      assert.equal(p.code, 0, p.stderr);
      const plan = JSON.parse(p.stdout) as { shared: Array<{ address: string }> };
      assert.deepEqual(plan.shared.map((s) => s.address).sort(), [...sharedKeys].sort());
    });
  }
});
