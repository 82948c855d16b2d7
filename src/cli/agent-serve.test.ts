/**
 * The agent against the real server: `flowmap agent --once --to` delivers to `flowmap serve --token`
 * (exit 0), a wrong token exits 1, and `--output` lines go into a store through `ingest --sockets`.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, startCli, type RunningCli } from '../testing/cli.js';

const TOKEN = 'agent-serve-token-0123456789';

describe('flowmap agent → flowmap serve', () => {
  let dir: string;
  let serve: RunningCli;
  let url: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fm-agent-serve-'));
    serve = startCli(['--db', join(dir, 'serve.duckdb'), 'serve', '--port', '0'], { env: { FLOWMAP_TOKEN: TOKEN }, cwd: dir });
    let err = '';
    url = await new Promise<string>((resolve, reject) => {
      serve.child.stderr?.on('data', (d: Buffer) => {
        err += d.toString();
        const m = /serving (http:\/\/127\.0\.0\.1:\d+)\//.exec(err);
        if (m) resolve(m[1]);
      });
      serve.child.once('exit', (code) => reject(new Error(`serve exited ${code}: ${err}`)));
    });
  });

  after(async () => {
    serve.child.kill('SIGTERM');
    await serve.done;
    rmSync(dir, { recursive: true, force: true });
  });

  it('delivers with the right token and exits 1 with a wrong one', async () => {
    const ok = await startCli(['agent', '--once', '--to', url], { env: { FLOWMAP_TOKEN: TOKEN } }).done;
    assert.equal(ok.code, 0, ok.stderr);
    const bad = await startCli(['agent', '--once', '--to', url, '--token', `x${TOKEN}`]).done;
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /refused the token \(HTTP 401\)/);
  });

  it('writes lines that ingest --sockets stores', () => {
    const file = join(dir, 'snapshots.jsonl');
    for (let i = 0; i < 2; i++) assert.equal(runCli(['agent', '--once', '--output', file]).code, 0);
    const r = runCli(['--db', join(dir, 'ingest.duckdb'), 'ingest', '--sockets', file]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /snapshots\.jsonl: 2 snapshots, \d+ sockets/);
  });
});
