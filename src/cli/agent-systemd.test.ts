import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { agentUnit, systemdWord } from './agent-systemd.js';

/** The unit README shows, for an npm global install; docs/flowmap-agent.service must be this text. */
const DOCS_UNIT = { command: ['/usr/bin/node', '/usr/lib/node_modules/flowmap/dist/cli/main.js'], intervalMs: 60_000, to: 'http://10.0.0.5:8080' };

describe('agentUnit', () => {
  it('is the copy in docs/flowmap-agent.service', () => {
    const docs = readFileSync(new URL('../../docs/flowmap-agent.service', import.meta.url), 'utf8');
    assert.equal(docs, agentUnit(DOCS_UNIT));
  });

  it('quotes ExecStart words as systemd reads them', () => {
    assert.equal(systemdWord('/usr/bin/node'), '/usr/bin/node');
    assert.equal(systemdWord('/opt/my apps/main.js'), '"/opt/my apps/main.js"');
    assert.equal(systemdWord('http://h/?a=1%20$HOME'), 'http://h/?a=1%%20$$HOME');
    assert.equal(systemdWord('a"b\\c'), '"a\\"b\\\\c"');
  });

  it('runs with the two capabilities, the token from the environment file only', () => {
    const u = agentUnit({ ...DOCS_UNIT, output: '/var/lib/flowmap-agent/snapshots.jsonl' });
    assert.match(u, /^ExecStart=\/usr\/bin\/node \S+ agent --interval 1m --to http:\/\/10\.0\.0\.5:8080 --output \/var\/lib\/flowmap-agent\/snapshots\.jsonl$/m);
    assert.match(u, /^ReadWritePaths=\/var\/lib\/flowmap-agent$/m);
    assert.match(u, /^CapabilityBoundingSet=CAP_SYS_PTRACE CAP_DAC_READ_SEARCH$/m);
    assert.doesNotMatch(u, /--token|^Environment=/m);
    assert.doesNotMatch(u, /^(PrivateNetwork|ProtectProc)=/m);
  });
});
