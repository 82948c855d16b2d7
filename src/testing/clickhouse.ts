/**
 * Test helper: private ClickHouse 18.16 servers (Debian clickhouse-server) with configs and data in a
 * temp folder, on free ports, bound to 127.0.0.1: a single node, or a two-shard cluster (two server
 * processes that both define it in remote_servers). Start once per test file; always stop.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toolPath } from './tools.js';

/** The server binary on PATH: `clickhouse-server`, or the all-in-one `clickhouse` (run as `clickhouse server`). */
export const CLICKHOUSE_SERVER = toolPath('clickhouse-server') ?? toolPath('clickhouse');

export const CLUSTER_NAME = 'flowmap_two';

export interface ClickHouseLab {
  /** `clickhouse://...` spec for database `db` (single node, or the cluster through node 1). */
  spec(db: string): string;
  /** HTTP base URLs of the nodes. */
  urls: string[];
  stop(): Promise<void>;
  /** Shut the servers down (SIGTERM, as systemd does), keeping their data and ports; wait until they have exited. */
  pause(): Promise<void>;
  /** Start them again on the same data and ports; resolves once they answer. */
  resume(): Promise<void>;
}

/**
 * `n` distinct free ports: the listeners are all open at once, so no two can be the same port
 * (closing one before asking for the next lets the kernel hand it out twice).
 */
async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: n }, () => new Promise<Server>((resolve, reject) => {
      const s = createServer();
      s.once('error', reject);
      s.listen(0, '127.0.0.1', () => resolve(s));
    })),
  );
  const ports = servers.map((s) => (s.address() as AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  return ports;
}

const USERS = `<?xml version="1.0"?>
<yandex>
  <profiles><default><max_memory_usage>2000000000</max_memory_usage></default></profiles>
  <users><default><password></password><networks><ip>127.0.0.1</ip><ip>::1</ip></networks><profile>default</profile><quota>default</quota></default></users>
  <quotas><default></default></quotas>
</yandex>
`;

function config(dir: string, http: number, tcp: number, cluster: number[] | null): string {
  const shards = cluster
    ? `<remote_servers><${CLUSTER_NAME}>${cluster.map((p) => `<shard><replica><host>127.0.0.1</host><port>${p}</port></replica></shard>`).join('')}</${CLUSTER_NAME}></remote_servers>`
    : '';
  return `<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>${dir}/server.log</log><errorlog>${dir}/error.log</errorlog></logger>
  <http_port>${http}</http_port>
  <tcp_port>${tcp}</tcp_port>
  <listen_host>127.0.0.1</listen_host>
  <path>${dir}/data/</path>
  <tmp_path>${dir}/tmp/</tmp_path>
  <user_files_path>${dir}/user_files/</user_files_path>
  <format_schema_path>${dir}/format_schemas/</format_schema_path>
  <users_config>users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <mark_cache_size>67108864</mark_cache_size>
  <uncompressed_cache_size>67108864</uncompressed_cache_size>
  <max_concurrent_queries>50</max_concurrent_queries>
  <timezone>UTC</timezone>
  ${shards}
</yandex>
`;
}

async function waitReady(url: string, proc: ChildProcess, dir: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`clickhouse-server exited (${proc.exitCode}); see ${dir}/error.log`);
    try {
      const r = await fetch(`${url}/ping`);
      if (r.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`clickhouse-server at ${url} did not answer within 30 s`);
}

/** Start `nodes` servers (1: single node; 2: the two-shard cluster). */
export async function startClickHouse(nodes: 1 | 2 = 1): Promise<ClickHouseLab> {
  if (!CLICKHOUSE_SERVER) throw new Error('clickhouse-server is not installed (scripts/test-env.sh installs it)');
  // Between choosing a free port and the server binding it, a test running in parallel can take it
  // (the server then exits): start again on new ports.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(nodes, CLICKHOUSE_SERVER);
    } catch (e) {
      if (attempt >= 3) throw e;
    }
  }
}

async function startOnce(nodes: 1 | 2, server: string): Promise<ClickHouseLab> {
  const root = mkdtempSync(join(tmpdir(), 'flowmap-ch-'));
  const free = await freePorts(nodes * 2);
  const ports = Array.from({ length: nodes }, (_, i) => ({ http: free[2 * i], tcp: free[2 * i + 1] }));
  const procs: ChildProcess[] = [];
  const urls = ports.map((port) => `http://127.0.0.1:${port.http}`);
  const dirs = ports.map((_, i) => join(root, `node${i + 1}`));
  const halt = (): Promise<void> =>
    Promise.all(
      procs.splice(0).map(
        (p) =>
          new Promise<void>((resolve) => {
            if (p.exitCode !== null) return resolve();
            p.once('exit', () => resolve());
            p.kill('SIGTERM');
            setTimeout(() => p.kill('SIGKILL'), 10_000).unref();
          }),
      ),
    ).then(() => undefined);
  const stop = async (): Promise<void> => {
    await halt();
    rmSync(root, { recursive: true, force: true });
  };
  const run = async (): Promise<void> => {
    for (const dir of dirs) procs.push(spawn(server, [`--config-file=${join(dir, 'config.xml')}`], { cwd: dir, stdio: 'ignore' }));
    await Promise.all(urls.map((u, i) => waitReady(u, procs[i], dirs[i])));
  };
  try {
    for (const [i, port] of ports.entries()) {
      mkdirSync(dirs[i], { recursive: true });
      writeFileSync(join(dirs[i], 'users.xml'), USERS);
      writeFileSync(join(dirs[i], 'config.xml'), config(dirs[i], port.http, port.tcp, nodes > 1 ? ports.map((p) => p.tcp) : null));
    }
    await run();
  } catch (e) {
    await stop();
    throw e;
  }
  const hostPorts = urls.map((u) => u.replace('http://', ''));
  return {
    urls,
    spec: (db) =>
      nodes === 1 ? `clickhouse://default@${hostPorts[0]}/${db}` : `clickhouse://default@${hostPorts[0]}/${db}?cluster=${CLUSTER_NAME}&shards=${hostPorts.join(',')}`,
    stop,
    pause: halt,
    resume: run,
  };
}
