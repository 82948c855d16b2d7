/**
 * A write that failed because the store's disk (or the database server's) is full, as DuckDB
 * ("No space left on device"), Node (ENOSPC), MariaDB ("The table … is full", "Disk full") and
 * ClickHouse (NOT_ENOUGH_SPACE) say it.
 */
export function isDiskFull(e: unknown): boolean {
  const err = e as { code?: unknown; errno?: unknown; message?: unknown } | null;
  if (err?.code === 'ENOSPC' || err?.errno === 1114 || err?.errno === 1021) return true;
  const msg = typeof err?.message === 'string' ? err.message : String(e);
  return /No space left on device|ENOSPC|Disk full|table '.*' is full|NOT_ENOUGH_SPACE/i.test(msg);
}

/** The failure in one line: what the engine said, without its internal prefix. */
export function diskFullDetail(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return msg.split('\n')[0].replace(/^[A-Za-z]+ Error: /, '');
}
