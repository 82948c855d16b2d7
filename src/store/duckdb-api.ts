/**
 * DuckDB's Node packages, loaded with require: they are CommonJS, and importing them as ES modules
 * makes Node run its CommonJS export lexer over every file of @duckdb/node-api first (measured here:
 * 0.4-0.7 s to import, 0.2 s to require), which every ingest paid at startup in its store worker.
 * Types come from the packages as usual (`import type`).
 */
import { createRequire } from 'node:module';
import type * as NodeApi from '@duckdb/node-api';
import type * as NodeBindings from '@duckdb/node-bindings';

const load = createRequire(import.meta.url);

export const api = load('@duckdb/node-api') as typeof NodeApi;
export const bindings = load('@duckdb/node-bindings') as typeof NodeBindings.default;

/** A DuckDB TIMESTAMP (microseconds) from epoch milliseconds. */
export function timestampMs(ms: number): NodeApi.DuckDBTimestampValue {
  return new api.DuckDBTimestampValue(BigInt(Math.round(ms)) * 1000n);
}
