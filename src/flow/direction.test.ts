import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decideDirection, portOnlyEvidence, portRank } from './direction.js';

const services = { isService: (port: number) => [53, 80, 123, 443, 8086].includes(port) };

describe('decideDirection', () => {
  it('handshake beats every port heuristic', () => {
    const a = { ...portOnlyEvidence(443), synSent: true };
    const b = portOnlyEvidence(51000);
    assert.deepEqual(decideDirection(6, a, b, services), { aIsClient: true, evidence: 'handshake' });
  });
  it('SYN-ACK sender is the server', () => {
    const a = portOnlyEvidence(5000);
    const b = { ...portOnlyEvidence(6000), synAckSent: true };
    assert.deepEqual(decideDirection(6, a, b, services), { aIsClient: true, evidence: 'handshake' });
  });
  it('registered service port', () => {
    const d = decideDirection(17, portOnlyEvidence(53), portOnlyEvidence(40000), services);
    assert.deepEqual(d, { aIsClient: false, evidence: 'service-port' });
  });
  it('port ranks: well-known < registered < linux ephemeral < dynamic', () => {
    assert.ok(portRank(22) < portRank(5000));
    assert.ok(portRank(5000) < portRank(40000));
    assert.ok(portRank(40000) < portRank(60000));
    const d = decideDirection(6, portOnlyEvidence(60001), portOnlyEvidence(12345), services);
    assert.deepEqual(d, { aIsClient: true, evidence: 'port-rank' });
  });
  it('equal ports and no evidence: the first sender, and says so', () => {
    const a = { ...portOnlyEvidence(123) };
    const b = { ...portOnlyEvidence(123), sentFirst: true };
    assert.deepEqual(decideDirection(17, a, b, services), { aIsClient: false, evidence: 'first-packet' });
  });
  it('fan-in needs a clear margin', () => {
    const a = { ...portOnlyEvidence(30000), fanIn: 3 };
    const b = { ...portOnlyEvidence(30001), fanIn: 2 };
    assert.equal(decideDirection(6, a, b, services).evidence, 'port-rank');
    const c = { ...portOnlyEvidence(30001), fanIn: 10 };
    assert.deepEqual(decideDirection(6, a, c, services), { aIsClient: true, evidence: 'fan-in' });
  });
});
