import cliProgress from 'cli-progress';

/** A byte progress bar on stderr, only when stderr is a terminal. */
export interface Progress {
  update(bytes: number): void;
  stop(): void;
}

export function byteProgress(label: string, totalBytes: number | undefined): Progress {
  if (!process.stderr.isTTY || !totalBytes) return { update() {}, stop() {} };
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: `${label} [{bar}] {percentage}% | {value}/{total} MB | ETA {eta}s`,
      hideCursor: true,
      clearOnComplete: true,
      etaBuffer: 20,
    },
    cliProgress.Presets.shades_classic,
  );
  const mb = (b: number) => Math.round((b / 1e6) * 10) / 10;
  bar.start(mb(totalBytes), 0);
  return {
    update(bytes) {
      bar.update(mb(bytes));
    },
    stop() {
      bar.stop();
    },
  };
}
