/** Which store a command uses. Kept apart from open.ts so that choosing one loads no database engine. */

export const DEFAULT_DB = 'flowmap.duckdb';

/** Which store to use: --db, then FLOWMAP_DB, then the config's `db`, then ./flowmap.duckdb. */
export function resolveStoreSpec(cliDb: string | undefined, config?: { db?: string }, env: NodeJS.ProcessEnv = process.env): string {
  return cliDb ?? (env.FLOWMAP_DB ? env.FLOWMAP_DB : undefined) ?? config?.db ?? DEFAULT_DB;
}

