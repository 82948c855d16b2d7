/**
 * Fills DuckDB data chunks straight from record columns (the form batches arrive in from the caller's
 * thread): fixed-width columns are written into one plain buffer each and copied into the vector in a
 * single call (DuckDB's C API `copy_data_to_vector`). No record object, BigInt or value object is made
 * per cell, and a text column that holds one value for the whole chunk (the source, often the
 * direction evidence) becomes a constant vector: one native call instead of one per row. Collectors
 * store hundreds of thousands of records a second through here.
 */
import type duckdb from '@duckdb/node-bindings';
import type { DuckDBDataChunk, DuckDBType, DuckDBTypeId as TypeId } from '@duckdb/node-api';
import { api, bindings } from './duckdb-api.js';
import { DIRECTION_EVIDENCE } from '../flow/record.js';
import { FlowmapError } from '../util/errors.js';
import { AddrCache } from '../util/ip.js';
import { F, WIDTH, type NumericField, type RecordColumns } from './record-columns.js';

/** One column of rows appended through fillRows: a text, or a time in epoch milliseconds. */
export type RowColumn<T> = { name: string; kind: 'text'; value: (row: T) => string } | { name: string; kind: 'time'; value: (row: T) => number };

/** Where one table column's values come from. */
export type ColumnSource =
  /** An integer field of the record. */
  | { name: string; kind: 'number'; field: NumericField }
  /** A counter as received: the stored (scaled) value divided by the record's sampling rate. */
  | { name: string; kind: 'raw'; field: NumericField }
  /** The sampling rate, 1 when the record has none. */
  | { name: string; kind: 'rate' }
  /** A timestamp column from epoch milliseconds (stored as microseconds). */
  | { name: string; kind: 'timestamp'; field: NumericField }
  /** A UBIGINT half (0 = high, 1 = low 64 bits) of the client's or server's 128-bit address. */
  | { name: string; kind: 'addr-half'; side: 'client' | 'server'; half: 0 | 1 }
  /** The client's or server's address text. */
  | { name: string; kind: 'addr-text'; side: 'client' | 'server' }
  /** The direction evidence, the source or the exporter, as text. */
  | { name: string; kind: 'direction' | 'source' | 'exporter' };

const TWO32 = 4294967296;
const { DuckDBTypeId } = api;

/** [min, max] of each fixed-width type: values outside are refused, never wrapped. */
function rangeOf(t: DuckDBType, width: number): [number, number] {
  const unsigned = [DuckDBTypeId.UTINYINT, DuckDBTypeId.USMALLINT, DuckDBTypeId.UINTEGER, DuckDBTypeId.UBIGINT].includes(t.typeId);
  if (width === 8) return unsigned ? [0, Number.MAX_SAFE_INTEGER] : [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER];
  const bits = width * 8;
  return unsigned ? [0, 2 ** bits - 1] : [-(2 ** (bits - 1)), 2 ** (bits - 1) - 1];
}

/** Bytes per value of the fixed-width types the flow table uses. */
function widthOf(t: DuckDBType): number {
  switch (t.typeId) {
    case DuckDBTypeId.UTINYINT:
    case DuckDBTypeId.TINYINT:
      return 1;
    case DuckDBTypeId.USMALLINT:
    case DuckDBTypeId.SMALLINT:
      return 2;
    case DuckDBTypeId.UINTEGER:
    case DuckDBTypeId.INTEGER:
      return 4;
    case DuckDBTypeId.UBIGINT:
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.TIMESTAMP:
      return 8;
    default:
      return 0;
  }
}

function expectType(t: DuckDBType, id: TypeId, name: string, what: string): void {
  if (t.typeId !== id) throw new FlowmapError(`column ${name}: expected ${what} in the table, found ${t.toString()}`);
}

/**
 * Reusable scratch buffers, sized for one standard vector, and (unless `fresh`) one reusable chunk:
 * a chunk's native memory is freed only when its JavaScript wrapper is collected, which V8 does not
 * hurry for memory it cannot see; a new chunk per 2,048 rows held 40–45 MiB more at the peak of a
 * 176,000-record transaction here.
 */
export class ChunkFiller {
  private readonly buf: ArrayBuffer;
  private readonly u8: Uint8Array;
  private readonly u16: Uint16Array;
  private readonly u32: Uint32Array;
  /** Per row: client address words (4), server address words (4), parsed once per chunk. */
  private readonly words: Uint32Array;
  /** Batches name the same few hosts over and over: each text is parsed once. */
  private readonly addrs = new AddrCache();

  /** The chunk fill() hands out again, and the column types it was made for. */
  private chunk: DuckDBDataChunk | undefined;
  private chunkTypes: readonly DuckDBType[] | undefined;

  /** `fresh`: every fill() returns a new chunk (for callers that keep several before appending them). */
  constructor(
    private readonly rows: number,
    private readonly fresh = false,
  ) {
    this.buf = new ArrayBuffer(rows * 8);
    this.u8 = new Uint8Array(this.buf);
    this.u16 = new Uint16Array(this.buf);
    this.u32 = new Uint32Array(this.buf);
    this.words = new Uint32Array(rows * 8);
  }

  /**
   * A chunk of `types` holding records [start, start + count) of `cols` (count <= rows), ready for
   * appendDataChunk. Unless `fresh`, it is the same chunk as the last call's (the appender has
   * copied that one's rows), emptied and refilled.
   */
  fill(types: readonly DuckDBType[], sources: readonly ColumnSource[], cols: RecordColumns, start: number, count: number): DuckDBDataChunk {
    if (count > this.rows) throw new Error(`ChunkFiller: ${count} records exceed ${this.rows}`);
    const chunk = this.emptyChunk(types, count);
    if (sources.some((c) => c.kind === 'addr-half')) this.parseAddresses(cols, start, count);
    for (let col = 0; col < sources.length; col++) {
      const src = sources[col];
      const vector = bindings.data_chunk_get_vector(chunk.chunk, col);
      switch (src.kind) {
        case 'addr-text': {
          expectType(types[col], DuckDBTypeId.VARCHAR, src.name, 'VARCHAR');
          const texts = src.side === 'client' ? cols.client : cols.server;
          for (let i = 0; i < count; i++) bindings.vector_assign_string_element(vector, i, texts[start + i]);
          break;
        }
        case 'direction':
          expectType(types[col], DuckDBTypeId.VARCHAR, src.name, 'VARCHAR');
          this.fillText(vector, cols, start, count, F.direction, DIRECTION_EVIDENCE);
          break;
        case 'source':
          expectType(types[col], DuckDBTypeId.VARCHAR, src.name, 'VARCHAR');
          this.fillText(vector, cols, start, count, F.source, cols.sources);
          break;
        case 'exporter':
          expectType(types[col], DuckDBTypeId.VARCHAR, src.name, 'VARCHAR');
          this.fillText(vector, cols, start, count, F.exporter, cols.exporters);
          break;
        case 'addr-half': {
          expectType(types[col], DuckDBTypeId.UBIGINT, src.name, 'UBIGINT');
          // Words are big-endian order (word 0 most significant); the vector holds little-endian u64.
          const w0 = (src.side === 'client' ? 0 : 4) + src.half * 2;
          const words = this.words;
          for (let i = 0; i < count; i++) {
            this.u32[i * 2] = words[i * 8 + w0 + 1];
            this.u32[i * 2 + 1] = words[i * 8 + w0];
          }
          bindings.copy_data_to_vector(vector, 0, this.buf, 0, count * 8);
          break;
        }
        default:
          this.fillNumbers(vector, types[col], src, cols, start, count);
      }
    }
    return chunk;
  }

  /**
   * A chunk of `types` holding rows [start, start + count) of `rows`, column by column (side tables
   * such as names: one native call per text cell and one per time column, where the row appender
   * made one per cell and a BigInt and a value object per time).
   */
  fillRows<T>(types: readonly DuckDBType[], columns: readonly RowColumn<T>[], rows: readonly T[], start: number, count: number): DuckDBDataChunk {
    if (count > this.rows) throw new Error(`ChunkFiller: ${count} rows exceed ${this.rows}`);
    if (types.length !== columns.length) throw new FlowmapError(`expected ${columns.length} columns in the table, found ${types.length}`);
    const chunk = this.emptyChunk(types, count);
    for (let col = 0; col < columns.length; col++) {
      const c = columns[col];
      const vector = bindings.data_chunk_get_vector(chunk.chunk, col);
      if (c.kind === 'text') {
        expectType(types[col], DuckDBTypeId.VARCHAR, c.name, 'VARCHAR');
        for (let i = 0; i < count; i++) bindings.vector_assign_string_element(vector, i, c.value(rows[start + i]));
        continue;
      }
      expectType(types[col], DuckDBTypeId.TIMESTAMP, c.name, 'TIMESTAMP');
      for (let i = 0; i < count; i++) {
        const ms = c.value(rows[start + i]);
        if (!Number.isFinite(ms)) throw new FlowmapError(`column ${c.name}: a bad time (${ms})`);
        this.putInt64(i, Math.round(ms) * 1000);
      }
      bindings.copy_data_to_vector(vector, 0, this.buf, 0, count * 8);
    }
    return chunk;
  }

  /** Two's complement 64-bit, little-endian, from a double (exact below 2^53), at row i of the scratch buffer. */
  private putInt64(i: number, v: number): void {
    const hi = Math.floor(v / TWO32);
    this.u32[i * 2] = v - hi * TWO32;
    this.u32[i * 2 + 1] = hi;
  }

  private emptyChunk(types: readonly DuckDBType[], count: number): DuckDBDataChunk {
    if (this.fresh) return api.DuckDBDataChunk.create(types, count);
    if (this.chunk === undefined || this.chunkTypes !== types) {
      this.chunk = api.DuckDBDataChunk.create(types, count);
      this.chunkTypes = types;
      return this.chunk;
    }
    // Reset turns constant vectors (a uniform text column) back into flat ones.
    this.chunk.reset();
    this.chunk.rowCount = count;
    return this.chunk;
  }

  /** Text from a small dictionary by per-row index: a constant vector when the chunk holds one value. */
  private fillText(vector: duckdb.Vector, cols: RecordColumns, start: number, count: number, field: number, dict: readonly string[]): void {
    const x = cols.numbers;
    const first = x[start * WIDTH + field];
    let uniform = true;
    for (let i = 1; i < count && uniform; i++) uniform = x[(start + i) * WIDTH + field] === first;
    if (uniform && count > 0) {
      bindings.vector_reference_value(vector, bindings.create_varchar(dictValue(dict, first)));
      return;
    }
    for (let i = 0; i < count; i++) bindings.vector_assign_string_element(vector, i, dictValue(dict, x[(start + i) * WIDTH + field]));
  }

  private fillNumbers(vector: duckdb.Vector, type: DuckDBType, src: ColumnSource, cols: RecordColumns, start: number, count: number): void {
    const width = widthOf(type);
    if (width === 0) throw new FlowmapError(`column ${src.name}: unexpected type ${type.toString()} in the table`);
    if (src.kind === 'timestamp') expectType(type, DuckDBTypeId.TIMESTAMP, src.name, 'TIMESTAMP');
    const [min, max] = rangeOf(type, width);
    const x = cols.numbers;
    const field = src.kind === 'rate' ? F.samplingRate : 'field' in src ? src.field : 0;
    for (let i = 0; i < count; i++) {
      const o = (start + i) * WIDTH;
      let v = x[o + field];
      if (src.kind === 'timestamp') v = Math.round(v) * 1000;
      else if (src.kind === 'rate') v = v >= 1 ? Math.round(v) : 1;
      else if (src.kind === 'raw') {
        const rate = x[o + F.samplingRate];
        v = rate > 1 ? Math.round(v / rate) : Math.round(v);
      } else v = Math.round(v);
      if (!(v >= min && v <= max)) throw new FlowmapError(`flow record has a bad ${src.name}: ${x[o + field]}`);
      switch (width) {
        case 1:
          this.u8[i] = v;
          break;
        case 2:
          this.u16[i] = v;
          break;
        case 4:
          this.u32[i] = v;
          break;
        default:
          this.putInt64(i, v);
      }
    }
    bindings.copy_data_to_vector(vector, 0, this.buf, 0, count * width);
  }

  private parseAddresses(cols: RecordColumns, start: number, count: number): void {
    for (let i = 0; i < count; i++) {
      const c = cols.client[start + i];
      const s = cols.server[start + i];
      if (!this.addrs.parseInto(c, this.words, i * 8)) throw new FlowmapError(`flow record has a bad address: ${JSON.stringify(c)}`);
      if (!this.addrs.parseInto(s, this.words, i * 8 + 4)) throw new FlowmapError(`flow record has a bad address: ${JSON.stringify(s)}`);
    }
  }
}

function dictValue(dict: readonly string[], index: number): string {
  const v = dict[index];
  if (v === undefined) throw new FlowmapError(`flow record has a bad direction, source or exporter index: ${index}`);
  return v;
}
