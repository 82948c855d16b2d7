/**
 * scripts/skip-reporter.mjs, the reporter `npm test` runs beside `spec`: every skipped test is listed
 * with its reason; under CI=true a skip fails the run, outside CI it does not.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPORTER = fileURLToPath(new URL('../../scripts/skip-reporter.mjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'flowmap-skips-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Run node's test runner on one file as `npm test` does, with CI set or not. */
function run(body: string, ci: string | undefined): { code: number | null; out: string } {
  const file = join(dir, `t${Math.random().toString(36).slice(2)}.test.mjs`);
  writeFileSync(file, `import { test } from 'node:test';\n${body}\n`);
  const env: NodeJS.ProcessEnv = { ...process.env, CI: ci };
  if (ci === undefined) delete env.CI;
  // The runner tells the files it runs that they are its children: this nested run is a run of its own.
  delete env.NODE_TEST_CONTEXT;
  const r = spawnSync(process.execPath, ['--test', '--test-reporter=spec', '--test-reporter-destination=stdout', `--test-reporter=${REPORTER}`, '--test-reporter-destination=stdout', file], { env, encoding: 'utf8', cwd: dir, timeout: 60_000 });
  return { code: r.status, out: r.stdout + r.stderr };
}

const SKIPPING = `test('runs', () => {});\ntest('needs a tool', { skip: 'frobctl not on PATH' }, () => {});\ntest('half', (t) => { t.skip('no corpus'); });`;

test('under CI=true a skipped test fails the run, and the report names it and why', () => {
  const r = run(SKIPPING, 'true');
  assert.equal(r.code, 1, r.out);
  assert.match(r.out, /skip report: 2 tests skipped or todo/);
  assert.match(r.out, /\.test\.mjs:3 {2}needs a tool: frobctl not on PATH/);
  assert.match(r.out, /\.test\.mjs:4 {2}half: no corpus/);
  assert.match(r.out, /CI=true, so a skipped test fails the run/);
});

test('outside CI skips are listed and the run passes; nothing skipped says so', () => {
  const r = run(SKIPPING, undefined);
  assert.equal(r.code, 0, r.out);
  assert.match(r.out, /needs a tool: frobctl not on PATH/);
  const clean = run(`test('runs', () => {});`, 'true');
  assert.equal(clean.code, 0, clean.out);
  assert.match(clean.out, /skip report: no test skipped/);
});
