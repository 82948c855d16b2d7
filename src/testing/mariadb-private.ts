/**
 * Test helper: a private MariaDB server (its own data directory, socket and port), for tests that
 * stop and start a server: the machine's shared one is never touched. Root connects without a
 * password over TCP (--skip-grant-tables).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import mariadb from 'mariadb';
import { toolPath } from './tools.js';

export interface PrivateMariaDb {
  port: number;
  /** mariadb://root@127.0.0.1:PORT/DB */
  spec(db: string): string;
  /** Shut the server down (SIGTERM, as systemd does) and wait until it has exited. */
  stop(): Promise<void>;
  /** Start it again on the same data and port; resolves once it answers. */
  start(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export async function startPrivateMariaDb(dir: string): Promise<PrivateMariaDb> {
  const data = join(dir, 'data');
  mkdirSync(data, { recursive: true });
  const init = spawnSync(toolPath('mariadb-install-db') ?? 'mariadb-install-db', ['--no-defaults', `--datadir=${data}`, '--user=root', '--auth-root-authentication-method=normal', '--skip-test-db'], { encoding: 'utf8' });
  if (init.status !== 0) throw new Error(`mariadb-install-db failed: ${init.stderr}`);
  const port = await freePort();
  let proc: ChildProcess | null = null;
  let exited: Promise<void> = Promise.resolve();
  const start = async (): Promise<void> => {
    proc = spawn(toolPath('mariadbd') ?? '/usr/sbin/mariadbd', [
      '--no-defaults', `--datadir=${data}`, `--socket=${join(dir, 'mysqld.sock')}`, `--pid-file=${join(dir, 'mysqld.pid')}`,
      `--port=${port}`, '--bind-address=127.0.0.1', '--user=root', '--skip-grant-tables', '--skip-log-bin', '--innodb-buffer-pool-size=32M',
      `--log-error=${join(dir, 'error.log')}`,
    ], { stdio: 'ignore' });
    const p = proc;
    exited = new Promise((resolve) => p.on('exit', () => resolve()));
    const deadline = Date.now() + 60_000;
    for (;;) {
      try {
        const c = await mariadb.createConnection({ host: '127.0.0.1', port, user: 'root', connectTimeout: 1000 });
        await c.end();
        return;
      } catch (e) {
        if (Date.now() > deadline || p.exitCode !== null) throw new Error(`private mariadbd did not start: ${(e as Error).message}`, { cause: e });
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  };
  await start();
  return {
    port,
    spec: (db) => `mariadb://root@127.0.0.1:${port}/${db}`,
    start,
    stop: async () => {
      proc?.kill('SIGTERM');
      await exited;
      proc = null;
    },
  };
}
