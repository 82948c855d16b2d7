/**
 * ClickHouse 18.16 takes no bound parameters over HTTP: every value that goes into SQL text passes
 * through chLiteral (typed values; text through chString), and every value in an INSERT body through
 * tsvField. Nothing else builds ClickHouse SQL from data.
 */
import { FlowmapError } from '../util/errors.js';
import type { SqlDialect, SqlParam } from './sql.js';

const U64_MAX = (1n << 64n) - 1n;

/** A single-quoted string literal: backslash escapes for `\` and `'`, \xHH for control bytes. */
export function chString(s: string): string {
  let out = "'";
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    if (ch === '\\') out += '\\\\';
    else if (ch === "'") out += "\\'";
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out + "'";
}

/** A typed parameter as literal text; refuses anything that is not a plain in-range integer. */
export function chLiteral(p: SqlParam): string {
  switch (p.type) {
    case 'u64':
      if (typeof p.value !== 'bigint' || p.value < 0n || p.value > U64_MAX) throw new FlowmapError(`ClickHouse: ${String(p.value)} is not an unsigned 64-bit integer`);
      return `toUInt64(${p.value.toString()})`;
    case 'int':
      if (!Number.isSafeInteger(p.value)) throw new FlowmapError(`ClickHouse: ${String(p.value)} is not an integer`);
      return p.value < 0 ? `(${p.value})` : String(p.value);
    case 'time': {
      const ms = Math.round(p.ms);
      if (!Number.isSafeInteger(ms)) throw new FlowmapError(`ClickHouse: ${String(p.ms)} is not a time`);
      // Times are UInt64 epoch ms; before 1970 clamps to 0 rather than wrapping.
      return `toUInt64(${Math.max(0, ms)})`;
    }
    case 'text':
      return chString(p.value);
  }
}

export const clickhouseDialect: SqlDialect = {
  name: 'clickhouse',
  placeholder: () => {
    throw new Error('ClickHouse has no placeholders');
  },
  literal: chLiteral,
  // Times are already epoch milliseconds (no DateTime64 in 18.16).
  epochMs: (e) => e,
  countDistinctIf: (xs, cond) => `uniqExactIf(${xs.join(', ')}, ${cond})`,
  hash64: (xs) => `cityHash64(${xs.join(', ')})`,
  anyValue: (x) => `any(${x})`,
  aliasesInSelect: true,
  prewhere: true,
  limitBy: true,
};

/** One TabSeparated field: ClickHouse's TSV escapes (backslash, tab, newline, CR, NUL). */
export function tsvField(s: string): string {
  return s.replace(/[\\\t\n\r\0]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : c === '\r' ? '\\r' : '\\0'));
}

/** An identifier flowmap chose (database, table, cluster names): plain word characters only. */
export function chIdent(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new FlowmapError(`ClickHouse: ${JSON.stringify(name)} is not a plain identifier`);
  return name;
}
