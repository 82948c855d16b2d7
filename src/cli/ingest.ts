import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Command } from 'commander';
import type { IngestContext, IngestSummary } from '../pipeline/ingest.js';
import { isBatchSink } from '../pipeline/batcher.js';
import type { RecordColumns } from '../store/record-columns.js';
import { CaptureFormatError } from '../sources/pcap/frame.js';
import type { Store } from '../store/store.js';
import { cliContext, withStore, type CliContext } from './context.js';
import { ingestNtopng, type NtopngCliOptions } from './ingest-ntopng.js';
import { FlowmapError, UsageError } from '../util/errors.js';
import { diskFullDetail, isDiskFull } from '../util/disk-full.js';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, action, say } from './exit.js';
import { stopOnSignals } from './signals.js';
import { summaryLine, totalLine } from './summary.js';

interface IngestOptions extends NtopngCliOptions {
  json?: boolean;
  quiet?: boolean;
  exports?: boolean;
  sockets?: boolean;
}

export function registerIngest(program: Command): void {
  program
    .command('ingest')
    .description('read capture files (pcap, pcapng; - for stdin), export datagrams carried in captures (--exports), agent socket snapshots (--sockets), or ntopng\'s MariaDB flow dump (ntopng+mariadb://user:pass@host/db), into the store')
    .argument('<files...>', 'capture files, - for standard input, or one ntopng+mariadb:// source')
    .option('--exports', 'the files hold NetFlow/IPFIX/sFlow export datagrams (UDP): decode them as `flowmap collect` does')
    .option('--sockets', 'the files hold `flowmap agent --output` snapshots (JSON lines): which programs own which sockets')
    .option('--json', 'print the per-file summaries as JSON on stdout')
    .option('-q, --quiet', 'no summary lines on stderr')
    .option('--table-prefix <prefix>', 'ntopng: table prefix of its --dump-flows (tables PREFIXv4, PREFIXv6)', 'flows')
    .option('--follow', 'ntopng: keep importing new rows until interrupted (resumes where it stopped)')
    .option('--poll <interval>', 'ntopng --follow: how often to look for new rows', '2s')
    .action(
      action(async (files: string[], opts: IngestOptions, cmd: Command) => {
        const ctx = await cliContext(cmd);
        if (files.some((f) => /^ntopng\+/i.test(f))) {
          if (files.length > 1) throw new UsageError('an ntopng+mariadb:// source is imported on its own: give it as the only argument');
          return ingestNtopng(files[0], ctx, opts);
        }
        if (opts.follow) throw new UsageError('--follow is for an ntopng+mariadb:// source (capture files are read once; live traffic: flowmap capture)');
        if (opts.sockets) {
          if (opts.exports) throw new UsageError('--sockets and --exports: choose one');
          const { ingestSocketFiles } = await import('./ingest-sockets.js');
          const abort = new AbortController();
          const release = stopOnSignals(() => abort.abort());
          try {
            const r = await withStore(ctx, (store) => ingestSocketFiles(files, store, { quiet: opts.quiet === true, signal: abort.signal }));
            if (opts.json) process.stdout.write(JSON.stringify(r.summaries, null, 2) + '\n');
            if (abort.signal.aborted) return EXIT_FAILURE;
            return r.failed > 0 ? EXIT_USAGE : EXIT_OK;
          } finally {
            release();
          }
        }
        if (opts.exports) {
          const { ingestFlowExportFiles } = await import('./ingest-flowexport.js');
          const r = await withStore(ctx, (store, ready) => ingestFlowExportFiles(files, ctx, store, opts.quiet === true, ready), { worker: true });
          if (opts.json) process.stdout.write(JSON.stringify({ files: r.files, ...r.totals }, null, 2) + '\n');
          if (r.interrupted) {
            say('interrupted: the flows read so far are stored; the rest of the input was not read');
            return EXIT_FAILURE;
          }
          return r.failed > 0 ? EXIT_USAGE : EXIT_OK;
        }
        const { summaries, failed, interrupted } = await withStore(ctx, (store, ready) => ingestFiles(files, ctx, store, opts, ready), { worker: true });
        if (opts.json) process.stdout.write(JSON.stringify(summaries, null, 2) + '\n');
        if (interrupted) {
          say('interrupted: the flows read so far are stored; the rest of the input was not read');
          return EXIT_FAILURE;
        }
        return failed > 0 ? EXIT_USAGE : EXIT_OK;
      }),
    );
}

/** Batches of records a file's reading may hand over before the store has opened (8,192 records each). */
const PRE_OPEN_BATCHES = 16;

/**
 * The store as one file's reading sees it while the store is still answering journal.open (whether
 * the file is stored already; else its transaction is begun): the first batches wait here, in order,
 * and go to the store once it said yes (dropped if it said no: the file is skipped); past
 * PRE_OPEN_BATCHES the reader waits too. Afterwards every call is the store's own.
 */
class OpeningStore {
  private early: Array<() => Promise<void>> = [];
  private readonly posted: Promise<void>[] = [];
  private open: boolean | undefined;
  private readonly answered: Promise<void>;
  readonly store: IngestContext['store'];

  constructor(
    private readonly target: Store,
    opening: Promise<boolean>,
    onStoredBefore: () => void,
  ) {
    this.answered = opening.then(
      (open) => {
        this.open = open;
        if (!open) onStoredBefore();
        else {
          for (const send of this.early) {
            const p = send();
            // Seen by settled(); handled here so that a failure before then is no unhandled rejection.
            p.catch(() => undefined);
            this.posted.push(p);
          }
        }
        this.early = [];
      },
      () => {
        this.open = false;
        this.early = [];
      },
    );
    this.store = {
      append: (records) => this.call(() => target.append(records)),
      appendNames: (rows) => this.call(() => target.appendNames(rows)),
      // The store worker takes batches as columns, built as records come (the batcher sees this).
      ...(isBatchSink(target) ? { appendBatch: (columns: RecordColumns) => this.call(() => target.appendBatch(columns)) } : {}),
    };
  }

  private call(send: () => Promise<void>): Promise<void> {
    if (this.open === true) return send();
    if (this.open === false) return Promise.resolve();
    this.early.push(send);
    return this.early.length > PRE_OPEN_BATCHES ? this.answered : Promise.resolve();
  }

  /** Resolves once everything handed over before the answer is stored (rejects with its failure). */
  async settled(): Promise<void> {
    await this.answered;
    await Promise.all(this.posted);
  }
}

/** Ingest each file in turn; a bad file is reported and the others still go in. */
export async function ingestFiles(
  files: string[],
  ctx: CliContext,
  store: Store,
  opts: IngestOptions,
  storeReady?: Promise<void>,
): Promise<{ summaries: IngestSummary[]; failed: number; interrupted: boolean }> {
  // Loaded when the command runs: `flowmap --help` and other commands start faster.
  const [{ ingestCapture }, { openCaptureFile }, { byteProgress }, { FileJournal, fileTransactions }] = await Promise.all([
    import('../pipeline/ingest.js'),
    import('../sources/pcap/file.js'),
    import('./progress.js'),
    import('../pipeline/ingest-journal.js'),
  ]);
  // Each capture file in one transaction with its mark: whole or not at all, and not read twice.
  const journal = new FileJournal(fileTransactions(store));
  const abort = new AbortController();
  const release = stopOnSignals(() => abort.abort());
  const summaries: IngestSummary[] = [];
  let failed = 0;
  try {
    for (const file of files) {
      if (abort.signal.aborted) break;
      const name = file === '-' ? 'stdin' : basename(file);
      let size: number | undefined;
      if (file !== '-') {
        try {
          size = (await stat(file)).size;
        } catch (e) {
          say(`${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
          failed++;
          continue;
        }
      }
      // Reading starts while the worker is still loading the database engine: the store's answer
      // (already stored? else the file's transaction is begun) is awaited by the records (OpeningStore).
      const opening = journal.open(file);
      const skip = new AbortController();
      const gated = new OpeningStore(store, opening, () => skip.abort());
      const progress = byteProgress(name, size);
      let summary: IngestSummary | undefined;
      let readError: unknown = null;
      try {
        summary = await ingestCapture(openCaptureFile(file), `pcap:${name}`, {
          store: gated.store,
          services: ctx.services,
          idleTimeoutMs: ctx.config.flows.idleTimeoutMs,
          activeTimeoutMs: ctx.config.flows.activeTimeoutMs,
          maxFlows: ctx.config.flows.maxFlows,
          conversationMemory: ctx.config.flows.conversationMemory,
          onProgress: (n) => progress.update(n),
          signal: AbortSignal.any([abort.signal, skip.signal]),
          storeReady: Promise.all([storeReady, opening]).then(() => undefined),
        });
      } catch (e) {
        readError = e;
      }
      // A store that failed to open stops the run, whatever reading ran into meanwhile.
      let open: boolean;
      try {
        open = await opening;
      } catch (e) {
        progress.stop();
        throw e;
      }
      if (!open) {
        progress.stop();
        if (!opts.quiet) say(`${file}: already stored (ingested before, unchanged since): skipped`);
        continue;
      }
      try {
        // Batches handed over before the store answered: stored, or their failure reported, here.
        await gated.settled();
        if (readError !== null || summary === undefined) throw readError;
        progress.stop();
        if (summary.interrupted && (await journal.abandon())) {
          say(`${file}: interrupted: nothing of it stored (a file is stored whole; run again to read it)`);
          continue;
        }
        await journal.stored();
        summaries.push(summary);
        if (!opts.quiet) say(summaryLine(summary));
      } catch (e) {
        progress.stop();
        if (isDiskFull(e)) {
          throw new FlowmapError(`${file}: not stored: the store's disk is full (${diskFullDetail(e)}); the files before it are stored whole (free space and run again: they are skipped)`);
        }
        // Unreadable input is reported and skipped; anything else (the store failing) stops the run.
        if (!(e instanceof CaptureFormatError) && !(e as NodeJS.ErrnoException).code) throw e;
        await journal.partial();
        failed++;
        say(`${file}: ${(e as Error).message}`);
      }
    }
  } finally {
    release();
    // An open stdin pipe would keep the process alive after an interrupt.
    if (abort.signal.aborted && files.includes('-')) process.stdin.destroy();
  }
  if (summaries.length > 1 && !opts.quiet) say(totalLine(summaries));
  return { summaries, failed, interrupted: abort.signal.aborted };
}
