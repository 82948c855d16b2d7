// Sections: the peer flow tools on the same file. softflowd 1.1.0 and argus 3.0.
import { performance } from 'node:perf_hooks';
import { readFileSync, rmSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { OUT_DIR } from './gen.mjs';
import { have, runProcess, sleep, withRusage } from './lib.mjs';

function softflowStats(ctl) {
  return runProcess('softflowctl', ['-c', ctl, 'statistics'], { timeoutMs: 600_000 }).then((r) => {
    const processed = /Packets processed: (\d+)/.exec(r.stdout);
    const ignored = /Ignored packets: (\d+)/.exec(r.stdout);
    return processed ? Number(processed[1]) + (ignored ? Number(ignored[1]) : 0) : -1;
  });
}

/**
 * softflowd -r reads the file, then keeps serving its control socket instead of exiting. It also
 * reads at most max_flows packets per poll round (1 s apart), so -m must exceed the packet count
 * or it runs at ~8k packets/s by design. We poll the statistics until every frame is accounted
 * for, then ask it to shut down, which expires and exports every flow (NetFlow v9 over UDP to a
 * port nobody reads): the time is spawn -> exit.
 */
export const softflowd = {
  name: 'softflowd -r',
  prepare() {
    return have('softflowd') && have('softflowctl') ? null : 'softflowd not installed (apt-get install softflowd)';
  },
  async once(ctx) {
    const ctl = join(OUT_DIR, `softflowd-${process.pid}.ctl`);
    const pidFile = join(OUT_DIR, `softflowd-${process.pid}.pid`);
    rmSync(ctl, { force: true });
    const port = 40000 + (process.pid % 20000);
    const t0 = performance.now();
    // Under GNU time when installed (CPU time, max RSS): then the child is time, softflowd its child.
    const [cmd, args, rusage] = withRusage('softflowd', [
      '-d', '-r', ctx.file, '-m', String(Math.max(8192, ctx.frames + 1)), '-c', ctl, '-p', pidFile, '-n', `127.0.0.1:${port}`, '-v', '9', '-6',
    ]);
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const exited = new Promise((resolve) => child.on('close', (code) => resolve(code)));
    let seen = -1;
    let alive = true;
    exited.then(() => (alive = false));
    try {
      while (alive && seen < ctx.frames) {
        await sleep(20);
        seen = await softflowStats(ctl);
      }
      if (alive) await runProcess('softflowctl', ['-c', ctl, 'shutdown']);
      const code = await exited;
      const ms = performance.now() - t0;
      if (seen < ctx.frames) throw new Error(`softflowd exited (${code}) after ${seen} of ${ctx.frames} frames: ${out.trim().split('\n').pop()}`);
      const exported = /Flows exported: (\d+)/.exec(out);
      return { ms, ...rusage(), note: exported ? `${exported[1]} flows exported` : undefined };
    } finally {
      if (alive) {
        try {
          process.kill(Number(readFileSync(pidFile, 'utf8').trim()), 'SIGTERM');
        } catch {
          if (child.pid) process.kill(child.pid, 'SIGTERM');
        }
      }
      rmSync(ctl, { force: true });
      rmSync(pidFile, { force: true });
    }
  },
};

export const argus = {
  name: 'argus -r',
  prepare() {
    return have('argus') ? null : 'argus not installed (apt-get install argus-server)';
  },
  async once(ctx) {
    const out = join(OUT_DIR, `argus-${process.pid}.out`);
    rmSync(out, { force: true });
    const r = await runProcess('argus', ['-r', ctx.file, '-w', out]);
    rmSync(out, { force: true });
    if (r.code !== 0) throw new Error(`argus exited ${r.code}: ${r.stderr.trim().split('\n').pop()}`);
    return { ms: r.ms };
  },
};
