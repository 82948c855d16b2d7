import { rm, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { parseFilter } from '../filter/parse.js';
import type { Column, Row } from '../query/format.js';
import { UsageError } from '../util/errors.js';
import { cliContext, withStore } from './context.js';
import { EXIT_OK, action } from './exit.js';
import { ingestFiles } from './ingest.js';

interface DemoOptions {
  packets: string;
  capture: string;
  serve: boolean;
  port: string;
}

const DEMO_DB = 'flowmap-demo.duckdb';
const DEMO_CONFIG = 'flowmap-demo.yaml';

/** The demo's config: its store, the lab's host names and groups by those names. */
async function writeDemoConfig(file: string): Promise<void> {
  const { HOME_LAB_GROUPS, HOME_LAB_NAMES } = await import('../gen/lab-hosts.js');
  const { stringify } = await import('yaml');
  const head = '# Written by `flowmap demo` (again at every run): the demo store, the lab\'s host names and its groups by name.\n';
  const names = Object.fromEntries(HOME_LAB_NAMES.map((n) => [n.address, n.name]));
  await writeFile(file, head + stringify({ db: DEMO_DB, names, groups: HOME_LAB_GROUPS }));
}

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description(`generate a lab capture, ingest it into ${DEMO_DB}, show the top dependencies, then serve the map page`)
    .option('--packets <n>', 'packets in the generated capture', '200000')
    .option('--capture <file>', 'where to write the generated capture', 'flowmap-demo.pcap')
    .option('--port <port>', 'HTTP port of the map page (0 picks a free one)', '3000')
    .option('--no-serve', 'stop after the tables instead of serving the map page')
    .action(
      action(async (opts: DemoOptions, cmd: Command) => {
        const packets = Number(opts.packets);
        if (!Number.isInteger(packets) || packets < 100 || packets > 50_000_000) {
          throw new UsageError(`--packets: ${opts.packets} is not a whole number from 100 to 50000000`);
        }
        // The demo owns its config and store unless told otherwise: fresh files each run, so numbers never double up.
        const own = !cmd.optsWithGlobals<{ config?: string; db?: string }>().config;
        if (own) await writeDemoConfig(DEMO_CONFIG);
        const ctx = await cliContext(cmd, own ? DEMO_CONFIG : undefined);
        const [{ writeLabCapture }, { TOP_COLUMNS, formatTable }, { runTop }] = await Promise.all([
          import('../gen/lab.js'),
          import('../query/format.js'),
          import('../query/top.js'),
        ]);
        if (!cmd.optsWithGlobals<{ db?: string }>().db) ctx.dbSpec = DEMO_DB;
        const capture = resolve(opts.capture);
        process.stderr.write(`flowmap: writing a lab capture of ${packets.toLocaleString('en-US')} packets to ${opts.capture}\n`);
        // 128 bytes per packet, as flow captures are usually taken: byte counts come from IP lengths.
        writeLabCapture(capture, { packets, durationSec: Math.max(60, packets / 500), seed: 1, snaplen: 128 });
        if (ctx.dbSpec === DEMO_DB) {
          await rm(DEMO_DB, { force: true });
          await rm(`${DEMO_DB}.wal`, { force: true });
        }
        const { failed } = await withStore(ctx, (store) => ingestFiles([capture], ctx, store, {}), { worker: true });
        if (failed > 0) return 1;
        const now = Date.now();
        const filter = parseFilter({ subnet: ['192.168.1.0/24'], exclude: ['192.168.1.151'], limit: 10 }, now);
        const edges = await withStore(ctx, (s) => runTop(s, 'edges', filter, ctx.services), { readOnly: true });
        const services = await withStore(ctx, (s) => runTop(s, 'services', parseFilter({ limit: 8 }, now), ctx.services), {
          readOnly: true,
        });
        const tty = process.stdout.isTTY === true;
        const out = process.stdout;
        out.write('\nTop dependencies inside 192.168.1.0/24, excluding 192.168.1.151 (by bytes):\n');
        out.write('  flowmap top --by edges --subnet 192.168.1.0/24 --exclude 192.168.1.151\n\n');
        out.write(formatTable(edges, TOP_COLUMNS.edges as Column<Row>[], { tty }));
        out.write('\nTop services (all traffic):\n  flowmap top --by services\n\n');
        out.write(formatTable(services, TOP_COLUMNS.services as Column<Row>[], { tty }));
        // The commands to go on with name the demo's config (store and groups), or the store asked for.
        const userDb = cmd.optsWithGlobals<{ db?: string }>().db !== undefined;
        const where = own ? `--config ${DEMO_CONFIG}${userDb ? ` --db ${ctx.dbSpec}` : ''}` : `--db ${ctx.dbSpec}`;
        out.write(`\nThe flows are in ${ctx.dbSpec}${own ? `, the lab's names and groups in ${DEMO_CONFIG}` : ''}; ask more with: flowmap top ${where} --help\n`);
        out.write(`Plan a migration of the lab in waves: flowmap plan ${where} --waves 4 --subnet 192.168.1.0/24\n`);
        out.write(`and write the report to send: flowmap report ${where} --waves 4 --subnet 192.168.1.0/24 -o flowmap-report.html\n`);
        if (!opts.serve) return EXIT_OK;
        out.write(`The map page follows (flowmap ${where} serve; group by "application" for the lab's groups); Ctrl-C stops it.\n\n`);
        const { runServe } = await import('./serve.js');
        return runServe(ctx, { port: opts.port, collectListen: '127.0.0.1', snaplen: '256' });
      }),
    );
}
