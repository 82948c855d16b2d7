/** cli/exit.ts's exitCodeFor: the exit code for each kind of thrown value (each also writes a line to stderr). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CaptureFormatError } from '../sources/pcap/frame.js';
import { FlowmapError, UsageError } from '../util/errors.js';
import { ExitError, exitCodeFor } from './exit.js';

test('exit codes: 2 for bad usage or unreadable input, 1 for other failures, ExitError its own', () => {
  assert.equal(exitCodeFor(new UsageError('x')), 2);
  assert.equal(exitCodeFor(new FlowmapError('x')), 1);
  assert.equal(exitCodeFor(new ExitError(3)), 3);
  assert.equal(exitCodeFor(new Error('x')), 1);
  assert.equal(exitCodeFor(Object.assign(new Error('x'), { code: 'ENOENT' })), 2);
  assert.equal(exitCodeFor(new CaptureFormatError('x')), 2);
});
