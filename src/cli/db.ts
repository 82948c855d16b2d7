/** `flowmap db init|prune|stats`: the store itself. */
import type { Command } from 'commander';
import { SCHEMA_VERSION } from '../store/schema.js';
import { redact } from '../store/spec.js';
import { UsageError } from '../util/errors.js';
import { applyRetention, cliContext, withManagedStore, withStore } from './context.js';
import { action, say } from './exit.js';

export function registerDb(program: Command): void {
  const db = program.command('db').description('the store: create or migrate it, apply retention, show counts');
  db.command('init')
    .description('create the store named by --db (database, tables, indexes) or migrate it to this flowmap\'s schema')
    .action(
      action(async (_opts: unknown, cmd: Command) => {
        const ctx = await cliContext(cmd);
        await withManagedStore(ctx, async () => undefined);
        say(`${redact(ctx.dbSpec)}: ready, schema version ${SCHEMA_VERSION}`);
      }),
    );
  db.command('prune')
    .description('delete records older than the retention (--retention, or the config\'s retention)')
    .option('--json', 'print the count as JSON on stdout')
    .action(
      action(async (opts: { json?: boolean }, cmd: Command) => {
        const ctx = await cliContext(cmd);
        if (ctx.retentionMs === undefined) throw new UsageError('db prune: no retention set: give --retention (e.g. --retention 30d) or set retention in the config');
        const removed = await withManagedStore(ctx, (store) => applyRetention(ctx, store));
        if (removed === 0) say('retention: nothing to remove');
        if (opts.json) process.stdout.write(JSON.stringify({ removed }) + '\n');
      }),
    );
  db.command('stats')
    .description('records stored and the time they span')
    .option('--json', 'JSON on stdout')
    .action(
      action(async (opts: { json?: boolean }, cmd: Command) => {
        const ctx = await cliContext(cmd);
        const s = await withStore(ctx, (store) => store.stats(), { readOnly: true });
        if (opts.json) process.stdout.write(JSON.stringify(s) + '\n');
        else process.stdout.write(`${s.records} records${s.firstSeen ? `, ${s.firstSeen} .. ${s.lastSeen}` : ''}\n`);
      }),
    );
}
