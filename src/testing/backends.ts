/**
 * Test helper: every store backend, each able to hand out fresh empty databases: DuckDB files in a
 * temp folder, MariaDB databases (dropped at the end), and private ClickHouse servers (single node
 * and the two-shard cluster). Start once per test file with startBackends(); always stop().
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startClickHouse, type ClickHouseLab } from './clickhouse.js';
import { dropDatabase, mariadbAdmin, mariadbSpec, uniqueDbName } from './mariadb.js';

export type BackendName = 'duckdb' | 'mariadb' | 'clickhouse' | 'clickhouse-cluster';

export interface Backend {
  name: BackendName;
  /** Spec of a new, empty database named after `label`. */
  fresh(label: string): string;
}

export interface Backends {
  all: Backend[];
  get(name: BackendName): Backend;
  stop(): Promise<void>;
}

export async function startBackends(names: BackendName[] = ['duckdb', 'mariadb', 'clickhouse', 'clickhouse-cluster']): Promise<Backends> {
  const dir = mkdtempSync(join(tmpdir(), 'flowmap-backends-'));
  const labs: ClickHouseLab[] = [];
  const mariaDbs: string[] = [];
  const all: Backend[] = [];
  let n = 0;
  const next = (label: string) => `${label.replace(/\W/g, '_')}_${++n}`;
  const stop = async () => {
    if (mariaDbs.length) {
      const admin = await mariadbAdmin();
      try {
        for (const db of mariaDbs) await dropDatabase(admin, db);
      } finally {
        await admin.end();
      }
    }
    await Promise.all(labs.map((l) => l.stop()));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (const name of names) {
      switch (name) {
        case 'duckdb':
          all.push({ name, fresh: (label) => join(dir, `${next(label)}.duckdb`) });
          break;
        case 'mariadb':
          await (await mariadbAdmin()).end();
          all.push({
            name,
            fresh: (label) => {
              const db = uniqueDbName(label.replace(/\W/g, '_'));
              mariaDbs.push(db);
              return mariadbSpec(db);
            },
          });
          break;
        case 'clickhouse':
        case 'clickhouse-cluster': {
          const lab = await startClickHouse(name === 'clickhouse' ? 1 : 2);
          labs.push(lab);
          all.push({ name, fresh: (label) => lab.spec(`fm_${next(label)}`) });
          break;
        }
      }
    }
  } catch (e) {
    await stop();
    throw e;
  }
  return {
    all,
    get: (name) => {
      const b = all.find((x) => x.name === name);
      if (!b) throw new Error(`backend ${name} not started`);
      return b;
    },
    stop,
  };
}
