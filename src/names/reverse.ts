/**
 * Reverse DNS for the hosts being drawn (`export --resolve` only): one PTR lookup per address, in
 * parallel (bounded), each with a timeout. Results go to the names table, which is the cache:
 * addresses already named there (by any source) are not looked up again.
 */
import { Resolver } from 'node:dns/promises';
import type { NameRow } from './names.js';
import { cleanName } from './names.js';
import { UsageError } from '../util/errors.js';

export interface ReverseOptions {
  timeoutMs?: number;
  concurrency?: number;
  /** DNS servers to ask (`127.0.0.1:5353`); the system's by default. */
  servers?: string[];
}

export async function reverseLookup(addresses: readonly string[], opts: ReverseOptions = {}): Promise<NameRow[]> {
  const resolver = new Resolver({ timeout: opts.timeoutMs ?? 1500, tries: 1 });
  if (opts.servers?.length) {
    try {
      resolver.setServers(opts.servers);
    } catch (e) {
      throw new UsageError(`--dns-server: ${opts.servers.join(', ')}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  const out: NameRow[] = [];
  const queue = [...addresses];
  const now = new Date().toISOString();
  const worker = async (): Promise<void> => {
    for (let a = queue.shift(); a !== undefined; a = queue.shift()) {
      try {
        const names = await resolver.reverse(a);
        const name = names.length ? cleanName(names[0].replace(/\.$/, '')) : '';
        if (name) out.push({ address: a, name, source: 'reverse', first_seen: now, last_seen: now });
      } catch {
        // No PTR record, timeout, or no DNS at all: the address stays the label.
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(opts.concurrency ?? 16, queue.length) }, worker));
  return out.sort((x, y) => (x.address < y.address ? -1 : 1));
}
