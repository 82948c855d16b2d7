/**
 * Test helper: the machine's MariaDB (127.0.0.1:3306, root, empty password), started if it does not
 * answer, and uniquely named databases that tests create and drop (other test runs share the server).
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import mariadb, { type Connection } from 'mariadb';
import { toolPath } from './tools.js';

export const MARIADB = { host: '127.0.0.1', port: 3306, user: 'root', password: '' };

async function connect(): Promise<Connection> {
  return mariadb.createConnection({ ...MARIADB, connectTimeout: 2000, bigIntAsNumber: false, decimalAsNumber: false });
}

/** A connection to the server, starting mariadbd when nothing answers. */
export async function mariadbAdmin(): Promise<Connection> {
  try {
    return await connect();
  } catch {
    spawnSync('start-stop-daemon', ['--start', '--oknodo', '--background', '--exec', toolPath('mariadbd') ?? 'mariadbd'], { stdio: 'ignore' });
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        return await connect();
      } catch (e) {
        if (Date.now() > deadline) throw e;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  }
}

/** A fresh database name (not created): `fmtest_<label>_<random>`. */
export function uniqueDbName(label: string): string {
  return `fmtest_${label}_${randomBytes(5).toString('hex')}`;
}

export function mariadbSpec(db: string): string {
  return `mariadb://${MARIADB.user}@${MARIADB.host}:${MARIADB.port}/${db}`;
}

export async function dropDatabase(conn: Connection, db: string): Promise<void> {
  if (!/^fmtest_\w+$/.test(db)) throw new Error(`refusing to drop ${db}`);
  await conn.query(`DROP DATABASE IF EXISTS \`${db}\``);
}
