/**
 * Fills DuckDB data chunks with flow records column by column, writing fixed-width columns into one
 * plain buffer each and copying it into the vector in a single call (DuckDB's C API
 * `copy_data_to_vector`). No BigInt or value object is made per cell: several times faster than
 * per-value `setItem`, which matters for collectors storing hundreds of thousands of records a second.
 */
import duckdb from '@duckdb/node-bindings';
import { DuckDBDataChunk, DuckDBTypeId, type DuckDBType } from '@duckdb/node-api';
import type { FlowRecord } from '../flow/record.js';
import { FlowmapError } from '../util/errors.js';
import { parseIpInto } from '../util/ip.js';

/** One column's values: a number (integers, timestamps as epoch ms) or a string. */
export type ColumnSource =
  | { name: string; kind: 'number'; get: (r: FlowRecord, i: number) => number }
  | { name: string; kind: 'string'; get: (r: FlowRecord) => string }
  /** A timestamp column from epoch milliseconds (stored as microseconds). */
  | { name: string; kind: 'timestamp'; get: (r: FlowRecord) => number }
  /** A UBIGINT half (0 = high, 1 = low 64 bits) of the client's or server's 128-bit address. */
  | { name: string; kind: 'addr-half'; side: 'client' | 'server'; half: 0 | 1 };

const TWO32 = 4294967296;

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

/** Reusable scratch buffers, sized for one standard vector. */
export class ChunkFiller {
  private readonly buf: ArrayBuffer;
  private readonly u8: Uint8Array;
  private readonly u16: Uint16Array;
  private readonly u32: Uint32Array;
  /** Per row: client address words (4), server address words (4), parsed once per chunk. */
  private readonly words: Uint32Array;

  constructor(private readonly rows: number) {
    this.buf = new ArrayBuffer(rows * 8);
    this.u8 = new Uint8Array(this.buf);
    this.u16 = new Uint16Array(this.buf);
    this.u32 = new Uint32Array(this.buf);
    this.words = new Uint32Array(rows * 8);
  }

  /** A chunk of `types` holding recs (at most `rows` of them), ready for appendDataChunk. */
  fill(types: readonly DuckDBType[], sources: readonly ColumnSource[], recs: readonly FlowRecord[]): DuckDBDataChunk {
    if (recs.length > this.rows) throw new Error(`ChunkFiller: ${recs.length} records exceed ${this.rows}`);
    const chunk = DuckDBDataChunk.create(types, recs.length);
    if (sources.some((c) => c.kind === 'addr-half')) this.parseAddresses(recs);
    for (let col = 0; col < sources.length; col++) {
      const src = sources[col];
      const vector = duckdb.data_chunk_get_vector(chunk.chunk, col);
      if (src.kind === 'string') {
        if (types[col].typeId !== DuckDBTypeId.VARCHAR) throw new FlowmapError(`column ${src.name}: expected VARCHAR in the table`);
        for (let i = 0; i < recs.length; i++) duckdb.vector_assign_string_element(vector, i, src.get(recs[i]));
        continue;
      }
      if (src.kind === 'addr-half') {
        if (types[col].typeId !== DuckDBTypeId.UBIGINT) throw new FlowmapError(`column ${src.name}: expected UBIGINT in the table`);
        // Words are big-endian order (word 0 most significant); the vector holds little-endian u64.
        const w0 = (src.side === 'client' ? 0 : 4) + src.half * 2;
        const words = this.words;
        for (let i = 0; i < recs.length; i++) {
          this.u32[i * 2] = words[i * 8 + w0 + 1];
          this.u32[i * 2 + 1] = words[i * 8 + w0];
        }
        duckdb.copy_data_to_vector(vector, 0, this.buf, 0, recs.length * 8);
        continue;
      }
      const width = widthOf(types[col]);
      if (width === 0) throw new FlowmapError(`column ${src.name}: unexpected type ${types[col].toString()} in the table`);
      if (src.kind === 'timestamp' && types[col].typeId !== DuckDBTypeId.TIMESTAMP) {
        throw new FlowmapError(`column ${src.name}: expected TIMESTAMP in the table`);
      }
      const [min, max] = rangeOf(types[col], width);
      for (let i = 0; i < recs.length; i++) {
        let v = src.get(recs[i], i);
        v = src.kind === 'timestamp' ? Math.round(v) * 1000 : Math.round(v);
        if (!(v >= min && v <= max)) throw new FlowmapError(`flow record has a bad ${src.name}: ${src.get(recs[i], i)}`);
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
          default: {
            // Two's complement 64-bit, little-endian, from a double (exact below 2^53).
            const hi = Math.floor(v / TWO32);
            this.u32[i * 2] = v - hi * TWO32;
            this.u32[i * 2 + 1] = hi;
          }
        }
      }
      duckdb.copy_data_to_vector(vector, 0, this.buf, 0, recs.length * width);
    }
    return chunk;
  }

  private parseAddresses(recs: readonly FlowRecord[]): void {
    for (let i = 0; i < recs.length; i++) {
      const r = recs[i];
      if (!parseIpInto(r.client, this.words, i * 8)) throw new FlowmapError(`flow record has a bad address: ${JSON.stringify(r.client)}`);
      if (!parseIpInto(r.server, this.words, i * 8 + 4)) throw new FlowmapError(`flow record has a bad address: ${JSON.stringify(r.server)}`);
    }
  }
}

