import { UsageError } from './errors.js';

const UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1e3, kb: 1e3,
  m: 1e6, mb: 1e6,
  g: 1e9, gb: 1e9,
  t: 1e12, tb: 1e12,
  p: 1e15, pb: 1e15,
  kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3, tib: 1024 ** 4, pib: 1024 ** 5,
};

/** Parse `1500`, `100k`, `10M`, `1.5GB` (decimal SI) or `64KiB`, `2MiB` (binary) into bytes. */
export function parseByteSize(text: string, what = 'size'): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  const mult = m ? UNITS[m[2].toLowerCase()] : undefined;
  if (!m || mult === undefined) {
    throw new UsageError(`${what}: cannot parse ${JSON.stringify(text)} as a byte count (examples: 1500, 100k, 10M, 1.5GB, 2MiB)`);
  }
  const n = Math.round(Number(m[1]) * mult);
  if (!Number.isSafeInteger(n)) throw new UsageError(`${what}: ${JSON.stringify(text)} is too large`);
  return n;
}

const SI = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB'];

/** Human byte count with decimal units: `999 B`, `1.2 kB`, `28.6 GB`. */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const sign = n < 0 ? '-' : '';
  let v = Math.abs(n);
  let i = 0;
  while (v >= 999.95 && i < SI.length - 1) {
    v /= 1000;
    i++;
  }
  return i === 0 ? `${sign}${Math.round(v)} B` : `${sign}${v.toFixed(1)} ${SI[i]}`;
}
