/**
 * Issue 14's end-to-end check, in two network namespaces joined by a veth pair:
 * - the server namespace runs real servers (`python3 -m http.server`, `nc -l`);
 * - the client namespace runs real clients (curl, nc) and `flowmap serve --capture --token`, which
 *   records the traffic and takes the agents' snapshots;
 * - `flowmap agent` runs in both namespaces, sending to that serve, and a second agent in each writes
 *   `--output` files instead.
 * Then `top --by edges --json` names python3 and curl (nc and nc) on those edges, the map's SVG labels
 * them, an agent without the token is refused (401), and the `--output` files loaded with
 * `ingest --sockets` into a copy of the flows give the same programs as the snapshots sent live.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, runCli } from '../testing/cli.js';
import { joinNamespaces, removeNamespaces, run } from '../testing/netns.js';
import { missingTool } from '../testing/tools.js';

const tag = `${process.pid % 100000}`;
const NS_SRV = `fmasrv${tag}`;
const NS_CLI = `fmacli${tag}`;
const IF_SRV = `fmas${tag}`;
const IF_CLI = `fmac${tag}`;
const net = 16 + (process.pid % 200);
const SRV = `10.233.${net}.1`;
const CLI_ADDR = `10.233.${net}.2`;
const HTTP_PORT = 8000;
const NC_PORT = 9000;
const SERVE_PORT = 8765;
const TOKEN = 'agent-e2e-token-0123456789';
const PAIR = { srvNs: NS_SRV, srvIf: IF_SRV, srv: SRV, cliNs: NS_CLI, cliIf: IF_CLI, cli: CLI_ADDR };

function probe(): string | false {
  if (process.getuid?.() !== 0) return 'needs root (network namespaces)';
  return missingTool('ip', 'tcpdump', 'curl', 'nc', 'python3', 'bash');
}
const skip = probe();

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface Edge {
  client: string;
  server: string;
  port: number;
  proto: string;
  server_process: string | null;
  client_process: string | null;
}

/** A long-running child in a namespace, with its output kept. */
function inNs(ns: string, args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): { child: ChildProcess; out: () => string; done: Promise<number | null> } {
  const child = spawn('ip', ['netns', 'exec', ns, ...args], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...opts.env }, cwd: opts.cwd });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const done = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { child, out: () => out, done };
}

async function waitFor(what: string, ok: () => boolean, ms = 30_000): Promise<void> {
  for (const end = Date.now() + ms; Date.now() < end; ) {
    if (ok()) return;
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('flowmap agent end to end: real servers and clients in network namespaces', { skip }, () => {
  let dir = '';
  const children: ChildProcess[] = [];
  const db = (): string => join(dir, 'live.duckdb');

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'flowmap-agent-e2e-'));
    joinNamespaces(PAIR);
    // 1 MB to download: it sits in curl's socket while curl's output waits (see the client below).
    writeFileSync(join(dir, 'big.bin'), Buffer.alloc(1_000_000, 7));
  });

  after(() => {
    for (const c of children) c.kill('SIGKILL');
    removeNamespaces(PAIR);
    rmSync(dir, { recursive: true, force: true });
  });

  it('names the programs on both ends of the captured edges, live and from --output files alike', async () => {
    // The servers.
    const http = inNs(NS_SRV, ['python3', '-m', 'http.server', String(HTTP_PORT), '--bind', SRV], { cwd: dir });
    const nc = inNs(NS_SRV, ['nc', '-l', '-k', String(NC_PORT)]);
    children.push(http.child, nc.child);
    // serve: captures the client side's interface and takes the agents' snapshots.
    const serve = inNs(NS_CLI, [process.execPath, CLI, '--db', db(), 'serve', '--listen', CLI_ADDR, '--port', String(SERVE_PORT), '--capture', IF_CLI], { env: { FLOWMAP_TOKEN: TOKEN } });
    children.push(serve.child);
    await waitFor('serve to capture', () => /capturing on/.test(serve.out()) && /serving http/.test(serve.out()));
    const url = `http://${CLI_ADDR}:${SERVE_PORT}`;
    // An agent without the token is refused: a raw POST, and the agent itself (exit 1).
    const raw = run('ip', ['netns', 'exec', NS_CLI, 'curl', '-s', '-o', '/dev/null', '-w', '%{http_code}', '-X', 'POST', '-H', 'content-type: application/json', '--data', '{}', `${url}/api/v1/agent`]);
    assert.equal(raw, '401');
    const refused = inNs(NS_CLI, [process.execPath, CLI, 'agent', '--once', '--to', url, '--token', 'not-the-token-0123456789']);
    assert.equal(await refused.done, 1, refused.out());
    assert.match(refused.out(), /401|token/i);
    // The agents: one sending to serve, one writing a file, in each namespace.
    const agents = [
      inNs(NS_SRV, [process.execPath, CLI, 'agent', '--interval', '1s', '--to', url], { env: { FLOWMAP_TOKEN: TOKEN } }),
      inNs(NS_CLI, [process.execPath, CLI, 'agent', '--interval', '1s', '--to', url], { env: { FLOWMAP_TOKEN: TOKEN } }),
      inNs(NS_SRV, [process.execPath, CLI, 'agent', '--interval', '1s', '--output', join(dir, 'srv.jsonl')]),
      inNs(NS_CLI, [process.execPath, CLI, 'agent', '--interval', '1s', '--output', join(dir, 'cli.jsonl')]),
    ];
    children.push(...agents.map((a) => a.child));
    await sleep(2500);
    // The clients: a download curl holds for 4 s, and nc holding a connection open for 3 s. curl
    // writes to a pipe nobody reads for 4 s, so it stops reading its socket, which stays curl's
    // (established, then closing) through several 1 s snapshots of every agent. curl's own
    // --limit-rate is no timer: 7.88 let a whole 1.5 MB through in 0.65 s as often as not.
    const curl = inNs(NS_CLI, ['bash', '-c', `set -o pipefail; curl --noproxy '*' -s http://${SRV}:${HTTP_PORT}/big.bin | (sleep 4; cat > /dev/null)`]);
    const ncClient = inNs(NS_CLI, ['sh', '-c', `(echo hello; sleep 3) | nc -N ${SRV} ${NC_PORT}`]);
    assert.equal(await curl.done, 0, curl.out());
    assert.equal(await ncClient.done, 0, ncClient.out());
    await sleep(2500);
    for (const a of agents) a.child.kill('SIGTERM');
    for (const a of agents) assert.equal(await a.done, 0, a.out());
    serve.child.kill('SIGTERM');
    assert.equal(await serve.done, 0, serve.out());
    const httpComm = readFileSync(`/proc/${http.child.pid}/comm`, 'utf8').trim();

    const edges = (spec: string): Edge[] => {
      const r = runCli(['--db', spec, 'top', '--by', 'edges', '--json']);
      assert.equal(r.code, 0, r.stderr);
      return JSON.parse(r.stdout) as Edge[];
    };
    const live = edges(db());
    const web = live.find((e) => e.client === CLI_ADDR && e.server === SRV && e.port === HTTP_PORT);
    assert.ok(web, `the download was captured: ${JSON.stringify(live)}`);
    assert.match(httpComm, /^python3/);
    assert.equal(web.server_process, httpComm);
    assert.equal(web.client_process, 'curl');
    const chat = live.find((e) => e.client === CLI_ADDR && e.server === SRV && e.port === NC_PORT);
    assert.equal(chat?.server_process, 'nc');
    assert.equal(chat?.client_process, 'nc');

    // The map labels the service with its program.
    const svg = runCli(['--db', db(), 'export', '-f', 'svg']);
    assert.equal(svg.code, 0, svg.stderr);
    assert.ok(svg.stdout.includes(`${httpComm} ${HTTP_PORT}/tcp`), 'the SVG labels the edge with python3');
    assert.ok(svg.stdout.includes(`nc ${NC_PORT}/tcp`));

    // --output files then ingest --sockets, into a copy of the same flows: the same programs.
    const offline = join(dir, 'offline.duckdb');
    assert.equal(runCli(['copy', '--from', db(), '--to', offline]).code, 0);
    const ing = runCli(['--db', offline, 'ingest', '--sockets', join(dir, 'srv.jsonl'), join(dir, 'cli.jsonl'), '--json']);
    assert.equal(ing.code, 0, ing.stderr);
    assert.ok((JSON.parse(ing.stdout) as Array<{ snapshots: number }>).every((f) => f.snapshots >= 5));
    const key = (es: Edge[]) => es.filter((e) => e.port === HTTP_PORT || e.port === NC_PORT).map((e) => `${e.client}>${e.server}:${e.port} ${e.server_process} ${e.client_process}`).sort();
    assert.deepEqual(key(edges(offline)), key(live));
  });
});
