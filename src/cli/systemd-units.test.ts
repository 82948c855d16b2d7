/**
 * The systemd units in docs/ as an operator installs them: `systemd-analyze verify` accepts them
 * without a single warning (the flowmap path swapped for this build, since verify checks that the
 * command exists), and every option their ExecStart lines give is one the command knows.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CLI, runCli } from '../testing/cli.js';
import { hasTools, requireTool } from '../testing/tools.js';

const DOCS = fileURLToPath(new URL('../../docs/', import.meta.url));
const UNITS = ['flowmap-collect.service', 'flowmap-serve.service'];
const INSTALLED = '/usr/local/bin/flowmap';
const noAnalyze = hasTools('systemd-analyze') ? false : 'systemd-analyze is not installed (scripts/test-env.sh installs systemd)';

/** The ExecStart command lines, commented-out alternatives included. */
function execStarts(text: string): string[] {
  return [...text.matchAll(/^#?ExecStart=(.*)$/gm)].map((m) => m[1]);
}

describe('systemd units (docs/)', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'flowmap-units-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const unit of UNITS) {
    it(`${unit}: systemd-analyze verify passes with no warning`, { skip: noAnalyze }, () => {
      const text = readFileSync(join(DOCS, unit), 'utf8');
      assert.ok(text.includes(`ExecStart=${INSTALLED} `), 'the unit runs the installed flowmap');
      const local = join(dir, unit);
      writeFileSync(local, text.replaceAll(INSTALLED, `${process.execPath} ${CLI}`));
      const r = spawnSync(requireTool('systemd-analyze'), ['verify', local], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stderr.trim(), '', 'no warnings');
    });

    it(`${unit}: every option of its ExecStart lines exists`, () => {
      const lines = execStarts(readFileSync(join(DOCS, unit), 'utf8'));
      assert.ok(lines.length > 0);
      for (const line of lines) {
        const [, command, ...args] = line.split(/\s+/);
        const help = runCli([command, '--help']);
        assert.equal(help.code, 0, help.stderr);
        for (const opt of args.filter((a) => a.startsWith('--'))) assert.ok(help.stdout.includes(`${opt} `), `${command} ${opt}: no such option`);
      }
    });
  }

  it('the units share one dynamic user and state directory, and read the token from the environment file', () => {
    for (const unit of UNITS) {
      const text = readFileSync(join(DOCS, unit), 'utf8');
      for (const line of ['DynamicUser=yes', 'User=flowmap', 'StateDirectory=flowmap', 'ProtectSystem=strict', 'NoNewPrivileges=yes', 'CapabilityBoundingSet=\n']) {
        assert.ok(text.includes(line), `${unit}: ${line.trim()}`);
      }
      assert.match(text, /^EnvironmentFile=-?\/etc\/flowmap\/flowmap\.env$/m);
    }
  });
});
