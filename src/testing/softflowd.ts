/**
 * Test helper: softflowd (Debian) reading a capture file and exporting it. softflowd 1.1.0 in -r mode
 * blocks on its control socket after reading the file: polling `softflowctl statistics` lets it go on
 * until it exits.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { hasTools, requireTool } from './tools.js';

export const hasSoftflowd = (): boolean => hasTools('softflowd', 'softflowctl');

/** Run softflowd -r FILE -n 127.0.0.1:PORT with `args` (e.g. -v 9 -A milli) to completion. */
export async function softflowdExport(file: string, port: number, args: string[]): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'flowmap-softflowd-'));
  const ctl = join(dir, 'ctl');
  let stderr = '';
  const child = spawn(requireTool('softflowd'), ['-r', file, '-n', `127.0.0.1:${port}`, '-6', '-d', '-c', ctl, '-p', join(dir, 'pid'), ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let done = false;
  void exited.then(() => (done = true));
  try {
    for (let i = 0; i < 600 && !done; i++) {
      spawnSync(requireTool('softflowctl'), ['-c', ctl, 'statistics'], { stdio: 'ignore', timeout: 5000 });
      await sleep(100);
    }
    if (!done) throw new Error(`softflowd did not finish: ${stderr}`);
    const code = await exited;
    if (code !== 0) throw new Error(`softflowd exited with ${code}: ${stderr}`);
  } finally {
    if (!done) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}
