/**
 * Host names and where they came from. Every source (config file, passive DNS, TLS SNI, HTTP Host,
 * reverse DNS) yields NameRow values; NameBook picks one name per address for drawing.
 */

export const NAME_SOURCES = ['config', 'dns', 'sni', 'http', 'reverse'] as const;
export type NameSource = (typeof NAME_SOURCES)[number];

/** One (address, name, source) observation with the times it was seen (ISO 8601 UTC). */
export interface NameRow {
  address: string;
  name: string;
  source: NameSource;
  first_seen: string;
  last_seen: string;
}

/** Names longer than a DNS name can be are cut: nothing legitimate is longer. */
export const MAX_NAME_LENGTH = 253;

/**
 * A name as stored: trimmed, at most MAX_NAME_LENGTH characters. Control characters are kept out
 * (replaced by U+FFFD) so no output format ever has to carry them; everything else (quotes, angle
 * brackets, non-ASCII) is kept and escaped by each renderer.
 */
export function cleanName(raw: string): string {
  // eslint-disable-next-line no-control-regex
  const s = raw.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, '\ufffd').trim();
  return s.length > MAX_NAME_LENGTH ? s.slice(0, MAX_NAME_LENGTH) : s;
}

/** Lower rank wins: a name the user wrote beats what the network said; reverse DNS comes last. */
const RANK: Record<NameSource, number> = { config: 0, dns: 1, sni: 2, http: 3, reverse: 4 };

export interface ChosenName {
  name: string;
  source: NameSource;
}

/** The names known for a set of addresses; `best(addr)` is the one drawn. */
export class NameBook {
  private readonly chosen = new Map<string, { name: string; source: NameSource; last: string }>();

  constructor(rows: Iterable<NameRow> = []) {
    for (const r of rows) this.add(r);
  }

  add(r: NameRow): void {
    const name = cleanName(r.name);
    if (name === '') return;
    const cur = this.chosen.get(r.address);
    const better =
      !cur ||
      RANK[r.source] < RANK[cur.source] ||
      (RANK[r.source] === RANK[cur.source] && (r.last_seen > cur.last || (r.last_seen === cur.last && name < cur.name)));
    if (better) this.chosen.set(r.address, { name, source: r.source, last: r.last_seen });
  }

  best(address: string): ChosenName | undefined {
    const c = this.chosen.get(address);
    return c ? { name: c.name, source: c.source } : undefined;
  }
}
