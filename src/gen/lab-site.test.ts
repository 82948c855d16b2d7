/** The site parameter: the home lab's output is pinned, and the spawn draw scales to many templates. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HOME_LAB } from './lab-hosts.js';
import { LAB_VERSION, writeLabCapture, type LabOptions } from './lab.js';
import { Prng } from './prng.js';

/** sha256 of file and truth, computed before the site became a parameter (LAB_VERSION 1). */
const PINNED: Array<[LabOptions, string]> = [
  [{ packets: 5000, seed: 7 }, 'c1fc7bb3e04f123accfa3f84b67216fb7ee4dadfdef5e77ce6b69b2ad58f0a32'],
  [{ packets: 20000, seed: 11, format: 'pcapng', linkType: [1, 113, 101] }, 'accf2156019cedaedd708d7b64582705e55fe06955ce12929859b669105f70e2'],
];

describe('lab site', () => {
  it('the home lab is byte-identical to LAB_VERSION 1, with and without site: HOME_LAB', () => {
    assert.equal(LAB_VERSION, 1);
    const dir = mkdtempSync(join(tmpdir(), 'flowmap-labsite-'));
    try {
      for (const [opts, want] of PINNED) {
        for (const site of [undefined, HOME_LAB]) {
          const file = join(dir, 'lab.cap');
          const truth = writeLabCapture(file, { ...opts, site });
          const got = createHash('sha256').update(readFileSync(file)).update(JSON.stringify(truth)).digest('hex');
          assert.equal(got, want, JSON.stringify(opts));
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('weightedCumulative draws what weighted draws, from the same stream', () => {
    const shape = new Prng(5);
    const weights = Array.from({ length: 3000 }, () => (shape.chance(0.1) ? 0 : shape.exp(2)));
    const total = weights.reduce((a, b) => a + b, 0);
    const cumulative = new Float64Array(weights.length);
    weights.reduce((sum, w, i) => (cumulative[i] = sum + w), 0);
    const linear = new Prng(9);
    const binary = new Prng(9);
    for (let i = 0; i < 20_000; i++) {
      const k = binary.weightedCumulative(cumulative);
      assert.equal(k, linear.weighted(weights, total));
      assert.ok(weights[k] > 0, 'a zero weight is never drawn');
    }
  });
});
