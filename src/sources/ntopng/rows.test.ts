import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ntopngRecord, type NtopngRow } from './rows.js';
import { ConversationMemory } from '../../flow/conversation-memory.js';

const row = (json: string | null): NtopngRow => ({
  idx: 1, vlan: 0, src: '10.0.0.1', srcPort: 40000, dst: '10.0.0.2', dstPort: 443, proto: 6, inBytes: 100, outBytes: 200, packets: 3,
  first: 1_700_000_000, last: 1_700_000_010, json, ifId: 0,
});

function ifs(json: string | null): [string, number, number] {
  const r = ntopngRecord(row(json), 'ntopng:db/ntopng', new ConversationMemory<string>());
  assert.ok('record' in r);
  return [r.record.exporter, r.record.inIf, r.record.outIf];
}

test('exporter interfaces from the JSON when ntopng collected flows (NetFlow names or ids), else none', () => {
  assert.deepEqual(ifs(JSON.stringify({ INPUT_SNMP: 3, OUTPUT_SNMP: '7', EXPORTER_IPV4_ADDRESS: '192.0.2.1' })), ['192.0.2.1', 3, 7]);
  assert.deepEqual(ifs(JSON.stringify({ 10: 5, 14: 6 })), ['', 5, 6]);
  assert.deepEqual(ifs(JSON.stringify({ INPUT_SNMP: -1, OUTPUT_SNMP: 'x', EXPORTER_IPV4_ADDRESS: 'nope' })), ['', 0, 0]);
  assert.deepEqual(ifs(null), ['', 0, 0]);
  assert.deepEqual(ifs('not json'), ['', 0, 0]);
});

test('conversation starts: a flow\'s later partial dumps continue it; the same 5-tuple after ntopng\'s idle timeout begins another', () => {
  const memory = new ConversationMemory<string>();
  const at = (first: number, last: number) => {
    const r = ntopngRecord({ ...row(null), first, last }, 'ntopng:db/ntopng', memory);
    assert.ok('record' in r);
    return r.record.starts;
  };
  const t = 1_700_000_000;
  assert.deepEqual([at(t, t + 30), at(t + 30, t + 60), at(t + 70, t + 90), at(t + 200, t + 210)], [1, 0, 0, 1]);
});
