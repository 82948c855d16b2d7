/**
 * Test helper: pmacct's pmacctd reading a capture file (pcap_savefile) through export plugins
 * (nfprobe: NetFlow v9 / IPFIX; sfprobe: sFlow v5). pmacctd exits at the end of the file, and its
 * plugins export what they hold on the way out.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hasTools, requireTool } from './tools.js';

export const hasPmacctd = (): boolean => hasTools('pmacctd');

/** Run pmacctd on `file` with these config lines (plugins and their receivers) to completion. */
export async function pmacctdExport(file: string, lines: string[], timeoutMs = 120_000): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'flowmap-pmacct-'));
  const conf = join(dir, 'pmacctd.conf');
  // Large core -> plugin buffers: pmacctd drops packets a busy plugin cannot take in time.
  const base = ['daemonize: false', `pcap_savefile: ${file}`, `pidfile: ${join(dir, 'pid')}`, 'plugin_pipe_size: 67108864', 'plugin_buffer_size: 65536'];
  writeFileSync(conf, [...base, ...lines, ''].join('\n'));
  let output = '';
  const child = spawn(requireTool('pmacctd'), ['-f', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`pmacctd did not finish:\n${output}`));
      }, timeoutMs);
      child.on('exit', (c) => {
        clearTimeout(timer);
        resolve(c);
      });
    });
    // At the end of the file a plugin may finish before the core notices: it then exits 1 with
    // "no more plugins active", having exported everything (the tests check the totals).
    const pluginsDone = code === 1 && /no more plugins active/.test(output);
    if ((code !== 0 && !pluginsDone) || /ERROR/.test(output)) throw new Error(`pmacctd exited with ${code}:\n${output.split('\n').filter((l) => !l.startsWith('INFO')).join('\n')}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
