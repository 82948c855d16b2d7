/**
 * Scaling past one machine: two `flowmap collect` processes, one per exporter group, write into the
 * same two-shard ClickHouse cluster at once. Every answer (edges, talkers, services, totals) must equal
 * that of one collector that received both groups, and the byte totals those of the datagrams sent.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ClickHouseHttp } from '../store/clickhouse-http.js';
import { runCli } from '../testing/cli.js';
import { startClickHouse, type ClickHouseLab } from '../testing/clickhouse.js';
import { sendDatagrams, startCollect } from '../testing/collector.js';
import { v5Packet, type V5Flow } from '../testing/flowexport-builders.js';
import { missingTool } from '../testing/tools.js';

const skip = missingTool('clickhouse-server');

/** One exporter group's datagrams: its own clients, some servers shared with the other group. */
function group(id: number, engineId: number): { datagrams: Buffer[]; bytes: number; packets: number } {
  const datagrams: Buffer[] = [];
  let bytes = 0;
  let packets = 0;
  for (let d = 0; d < 60; d++) {
    const flows: V5Flow[] = [];
    for (let i = 0; i < 30; i++) {
      const n = d * 30 + i;
      const client = `10.${id}.${(n >> 8) & 255}.${n & 255}`;
      const server = n % 3 === 0 ? '10.9.0.1' : `10.${id}.200.${n % 7}`;
      const port = [443, 5432, 8086][n % 3];
      const f = { src: client, dst: server, srcPort: 40000 + (n % 20000), dstPort: port, proto: 6, packets: 3 + (n % 5), bytes: 300 + n * 7, first: 50_000 + n, last: 60_000 + n, tcpFlags: 0x1b };
      // Both directions in the same group, as one exporter sees a conversation.
      flows.push(f, { ...f, src: server, dst: client, srcPort: port, dstPort: f.srcPort, bytes: f.bytes * 3, packets: f.packets + 1 });
      bytes += f.bytes * 4;
      packets += f.packets * 2 + 1;
    }
    datagrams.push(v5Packet({ seq: d * 60, engineId, flows }));
  }
  return { datagrams, bytes, packets };
}

describe('two collectors into one ClickHouse cluster', { skip }, () => {
  let lab: ClickHouseLab;
  before(async () => {
    lab = await startClickHouse(2);
  });
  after(async () => {
    await lab?.stop();
  });

  it('answer exactly as one collector of both exporter groups', async () => {
    const a = group(1, 1);
    const b = group(2, 2);
    const two = lab.spec('fm_two_collectors');
    const one = lab.spec('fm_one_collector');
    // The schema is created once, as `flowmap db init` would before the collectors start.
    for (const spec of [two, one]) assert.equal(runCli(['--db', spec, 'db', 'init']).code, 0);
    const [c1, c2, single] = await Promise.all([startCollect(two), startCollect(two), startCollect(one)]);
    await Promise.all([
      sendDatagrams(c1.ports.netflow, a.datagrams),
      sendDatagrams(c2.ports.netflow, b.datagrams),
      sendDatagrams(single.ports.netflow, a.datagrams).then(() => sendDatagrams(single.ports.netflow, b.datagrams)),
    ]);
    await new Promise((r) => setTimeout(r, 500));
    for (const r of await Promise.all([c1.stop(), c2.stop(), single.stop()])) assert.equal(r.code, 0, r.stderr);

    const answer = (spec: string, by: string): unknown => {
      const r = runCli(['--db', spec, 'top', '--by', by, '--limit', '100000', '--json']);
      assert.equal(r.code, 0, r.stderr);
      return JSON.parse(r.stdout);
    };
    for (const by of ['edges', 'talkers', 'services', 'flows']) assert.deepEqual(answer(two, by), answer(one, by), `top --by ${by}`);
    const services = answer(two, 'services') as Array<{ bytes: number; packets: number }>;
    assert.equal(services.reduce((s, r) => s + r.bytes, 0), a.bytes + b.bytes, 'every byte sent is stored once');
    assert.equal(services.reduce((s, r) => s + r.packets, 0), a.packets + b.packets);
    // The shared server's edges come from both collectors, and both shards hold rows.
    const edges = answer(two, 'edges') as Array<{ client: string; server: string }>;
    const shared = edges.filter((e) => e.server === '10.9.0.1');
    assert.ok(shared.some((e) => e.client.startsWith('10.1.')) && shared.some((e) => e.client.startsWith('10.2.')));
    for (const url of lab.urls) {
      const node = new ClickHouseHttp({ url, user: 'default', password: '' }, 'fm_two_collectors');
      const [{ n }] = await node.rows<{ n: string }>('SELECT count() AS n FROM flows_local');
      assert.ok(Number(n) > 0, `${url} holds part of the flows`);
    }
  });
});
