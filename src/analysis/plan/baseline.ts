/**
 * The naive plan a plan is measured against: hosts in address order, whole /24 subnets (/64 for IPv6)
 * filled into waves of about equal size, the way a migration is often cut without flow data. A subnet
 * larger than a wave's share is split in address order.
 */
import { rangeOf } from '../../filter/cidr.js';
import { tryParseIp } from '../../util/ip.js';

export const BASELINE_METHOD = 'subnet /24 (/64) in address order';

/** Wave (0-based) of each host; `hosts` are in address order. */
export function baselineWaves(hosts: readonly string[], waves: number): Int32Array {
  const out = new Int32Array(hosts.length);
  const share = Math.ceil(hosts.length / waves);
  const subnets: number[][] = [];
  let last = '';
  hosts.forEach((h, i) => {
    const s = subnetOf(h);
    if (s !== last || subnets.length === 0) subnets.push([]);
    subnets[subnets.length - 1].push(i);
    last = s;
  });
  let w = 0;
  let load = 0;
  for (const members of subnets) {
    // Next wave when this subnet does not fit and the current one already holds something.
    if (load > 0 && load + members.length > share && w < waves - 1) {
      w++;
      load = 0;
    }
    for (const i of members) {
      if (load >= share && w < waves - 1) {
        w++;
        load = 0;
      }
      out[i] = w;
      load++;
    }
  }
  return out;
}

function subnetOf(address: string): string {
  const w = tryParseIp(address);
  if (!w) return address;
  const v4 = w[0] === 0 && w[1] === 0 && w[2] === 0xffff;
  return rangeOf(w, v4 ? 120 : 64).text;
}
