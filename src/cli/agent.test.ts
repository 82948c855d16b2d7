/**
 * `flowmap agent` as a user runs it: usage errors, --output lines, --install-systemd, delivery with
 * --once (accepted, refused), the loop's stop on SIGTERM with one last attempt, and a run as a user who
 * sees no other process.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type AddressInfo } from 'node:net';
import { once } from 'node:events';
import { runCli, startCli } from '../testing/cli.js';
import { startReceiver } from '../testing/agent-receiver.js';
import { parseSnapshot } from '../sources/agent/snapshot.js';

const TOKEN = 'agent-test-token-0123456789';

describe('flowmap agent', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'fm-agent-cli-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses to run without a destination, and other bad usage, with exit 2', () => {
    const cases: [string[], RegExp][] = [
      [[], /--to URL .*--output FILE, or --json/],
      [['--once'], /--to URL/],
      [['--token', TOKEN, '--json'], /--token is for --to/],
      [['--to', 'http://127.0.0.1:1'], /needs the server's token/],
      [['--to', 'ftp://x', '--token', TOKEN], /not an http/],
      [['--to', 'http://127.0.0.1:1', '--token', 'short'], /--token: expected 16 to 256/],
      [['--json', '--interval', '500ms'], /--interval: 500ms: expected 1s to 1d/],
      [['--json', '--interval', 'soon'], /--interval: cannot parse/],
      [['--json', '--install-systemd'], /--install-systemd: the service needs --to URL or --output FILE/],
    ];
    for (const [args, message] of cases) {
      const r = runCli(['agent', ...args], { env: { FLOWMAP_TOKEN: '' } });
      assert.equal(r.code, 2, args.join(' '));
      assert.match(r.stderr, message, args.join(' '));
      assert.equal(r.stdout, '');
    }
  });

  it('--output appends one snapshot per line, each one the schema accepts', () => {
    const file = join(dir, 'snapshots.jsonl');
    for (let i = 0; i < 2; i++) assert.equal(runCli(['agent', '--once', '--output', file, '--interval', '30s']).code, 0);
    const lines = readFileSync(file, 'utf8').split('\n');
    assert.equal(lines.pop(), '');
    assert.equal(lines.length, 2);
    for (const line of lines) {
      const r = parseSnapshot(JSON.parse(line));
      assert.ok(r.ok, r.ok ? '' : r.error);
      assert.equal(r.snapshot.interval_s, 30);
      assert.ok(r.snapshot.addresses.includes('127.0.0.1'));
    }
  });

  it('--json --once prints one snapshot, and nothing else on stdout', () => {
    const r = runCli(['agent', '--once', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const p = parseSnapshot(JSON.parse(r.stdout));
    assert.ok(p.ok);
  });

  it('--install-systemd prints a unit with the options and no token, and writes nothing', () => {
    const cwd = mkdtempSync(join(dir, 'unit-'));
    const out = join(cwd, 'out', 'snap.jsonl');
    const r = runCli(['agent', '--install-systemd', '--to', 'http://10.0.0.5:8080', '--interval', '30s', '--output', out], { cwd, env: { FLOWMAP_TOKEN: TOKEN } });
    assert.equal(r.code, 0, r.stderr);
    const unit = r.stdout;
    assert.match(unit, /^\[Unit\]$/m);
    assert.match(unit, new RegExp(`^ExecStart=\\S+node\\S* \\S+/cli/main\\.js agent --interval 30s --to http://10\\.0\\.0\\.5:8080 --output ${out.replace(/[.]/g, '\\.')}$`, 'm'));
    assert.match(unit, /^EnvironmentFile=-\/etc\/flowmap\/agent\.env$/m);
    assert.match(unit, /^AmbientCapabilities=CAP_SYS_PTRACE CAP_DAC_READ_SEARCH$/m);
    assert.match(unit, /^ProtectSystem=strict$/m);
    assert.match(unit, /^WantedBy=multi-user\.target$/m);
    assert.ok(!unit.includes(TOKEN), 'the token stays out of the unit');
    assert.deepEqual(readdirSync(cwd), []);
    assert.equal(existsSync(out), false);
  });

  it('--once --to delivers the snapshot with the token from FLOWMAP_TOKEN', async () => {
    const srv = await startReceiver([200]);
    try {
      const r = await startCli(['agent', '--once', '--to', srv.url], { env: { FLOWMAP_TOKEN: TOKEN } }).done;
      assert.equal(r.code, 0, r.stderr);
      assert.equal(srv.got.length, 1);
      const g = srv.got[0];
      assert.equal(g.url, '/api/v1/agent');
      assert.equal(g.headers.authorization, `Bearer ${TOKEN}`);
      assert.equal(g.headers['content-type'], 'application/json');
      assert.equal(g.headers['content-encoding'], 'gzip');
      assert.ok(g.bytes < Buffer.byteLength(g.body) / 2, `${g.bytes} bytes on the wire for ${Buffer.byteLength(g.body)} of JSON`);
      assert.ok(parseSnapshot(JSON.parse(g.body)).ok);
    } finally {
      await srv.close();
    }
  });

  it('--once --to exits 1 and says so when the server refuses the token', async () => {
    const srv = await startReceiver([401]);
    try {
      const r = await startCli(['agent', '--once', '--to', srv.url, '--token', TOKEN]).done;
      assert.equal(r.code, 1);
      assert.match(r.stderr, /refused the token \(HTTP 401\)/);
      assert.equal(srv.got.length, 1, 'not retried');
    } finally {
      await srv.close();
    }
  });

  it('keeps running after refusals, and on SIGTERM makes one last attempt and exits 0', async () => {
    const srv = await startReceiver([401, 401, 503]);
    try {
      const run = startCli(['agent', '--interval', '1s', '--to', srv.url, '--token', TOKEN]);
      // Two refused snapshots, then a 503: the third waits in back-off (at least 0.5 s) …
      await srv.waitFor(3);
      srv.statuses = [200];
      run.child.kill('SIGTERM');
      const r = await run.done;
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stderr.match(/refused the token/g)?.length, 2);
      assert.match(r.stderr, /SIGTERM: stopping after one last delivery attempt/);
      // (a loaded machine may fit one more tick in before the signal: it is delivered too)
      assert.match(r.stderr, /delivered [12] snapshots, lost 2/);
      // … and is delivered by the last attempt.
      assert.deepEqual(srv.got.slice(0, 4).map((g) => g.status), [401, 401, 503, 200]);
      assert.equal(srv.got[3].body, srv.got[2].body);
    } finally {
      await srv.close();
    }
  });

  it('run as an unprivileged user, reports sockets without a visible process as pid null, once', { skip: process.getuid?.() !== 0 ? 'needs root to run as nobody' : false }, async () => {
    // A socket of root's that nobody may not trace.
    const srv = createServer().listen(0, '127.0.0.1');
    await once(srv, 'listening');
    const port = (srv.address() as AddressInfo).port;
    const r = await startCli(['agent', '--once', '--json'], { uid: 65534, gid: 65534, cwd: '/' }).done;
    srv.close();
    assert.equal(r.code, 0, r.stderr);
    const p = parseSnapshot(JSON.parse(r.stdout));
    assert.ok(p.ok);
    const unowned = p.snapshot.sockets.filter((s) => s.pid === null).length;
    assert.deepEqual(p.snapshot.sockets.filter((s) => s.local_port === port && s.state === 'listen').map((s) => s.pid), [null]);
    assert.ok(unowned > 0);
    assert.equal(r.stderr.match(/sockets had no visible process/g)?.length, 1);
    assert.match(r.stderr, new RegExp(`${unowned} of ${p.snapshot.sockets.length} sockets had no visible process`));
  });

  it('with CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH only (the systemd unit\'s setup), sees root\'s processes', { skip: process.getuid?.() !== 0 ? 'needs root to run as nobody' : false }, async () => {
    const srv = createServer().listen(0, '127.0.0.1');
    await once(srv, 'listening');
    const port = (srv.address() as AddressInfo).port;
    const caps = '+sys_ptrace,+dac_read_search';
    const r = await startCli(['agent', '--once', '--json'], {
      cwd: '/',
      prefix: ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', `--inh-caps=${caps}`, `--ambient-caps=${caps}`],
    }).done;
    srv.close();
    assert.equal(r.code, 0, r.stderr);
    const p = parseSnapshot(JSON.parse(r.stdout));
    assert.ok(p.ok);
    assert.deepEqual(p.snapshot.sockets.filter((s) => s.local_port === port && s.state === 'listen').map((s) => s.pid), [process.pid]);
    const me = p.snapshot.processes.find((x) => x.pid === process.pid);
    assert.equal(me?.exe, realpathSync(process.execPath));
    assert.equal(me?.user, 'root');
  });
});
