import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { runCli } from '../testing/cli.js';

const CORPUS = resolve('../shared/corpus/captures');

describe('the whole tcpdump test corpus through the full pipeline (CLI -> decoder -> flows -> DuckDB)', () => {
  it('every file ingests or is refused with one clear line; no crash, no hang, no stack trace', { skip: existsSync(CORPUS) ? false : `${CORPUS} missing`, timeout: 300_000 }, () => {
    const files = readdirSync(CORPUS).sort().map((f) => join(CORPUS, f));
    assert.ok(files.length > 800);
    const dir = mkdtempSync(join(tmpdir(), 'flowmap-corpus-'));
    try {
      const r = runCli(['ingest', ...files, '--db', join(dir, 'c.duckdb'), '--json'], { timeoutMs: 280_000 });
      assert.ok(r.code === 0 || r.code === 2, `exit ${r.code}: ${r.stderr.slice(-2000)}`);
      assert.doesNotMatch(r.stderr, /\n\s+at .*\.js:\d+/, 'no stack trace');
      const summaries = JSON.parse(r.stdout) as Array<{ source: string; packets: number; frames: number }>;
      const refused = r.stderr.split('\n').filter((l) => l.startsWith('flowmap: /'));
      // Every file is accounted for: a summary, or one refusal line naming it.
      assert.equal(summaries.length + refused.length, files.length, `refused:\n${refused.join('\n')}`);
      assert.ok(refused.length <= 20, `too many refused files:\n${refused.join('\n')}`);
      const packets = summaries.reduce((a, s) => a + s.packets, 0);
      assert.ok(packets > 5_000, `decoded IP packets across the corpus: ${packets}`);
      const top = runCli(['top', '--by', 'talkers', '--json', '--limit', '5', '--db', join(dir, 'c.duckdb')]);
      assert.equal(top.code, 0, top.stderr);
      assert.equal((JSON.parse(top.stdout) as unknown[]).length, 5);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
