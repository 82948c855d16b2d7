/**
 * A resumed ntopng import (a restart, or a re-run after kill -9) starts with the conversations its
 * earlier runs stored: without them, the first row after the resume point of a flow dumped before it
 * would count as a new conversation. The conversations of the table's source whose records began in
 * the last hour before the newest one stored are remembered, up to the memory's bound (ntopng dumps a
 * long flow every few minutes, and 60 s of idleness ends it: older rows cannot continue).
 */
import { CONVERSATION_MEMORY } from '../flow/conversation-memory.js';
import { ntopngConversationKey } from '../sources/ntopng/rows.js';
import type { TablePlan } from '../sources/ntopng/tables.js';
import type { ManagedStore } from '../store/store.js';

export const RESUME_WINDOW_MS = 3_600_000;

export async function rememberStored(store: ManagedStore, p: TablePlan): Promise<void> {
  const ours = (source: string) => source === p.source || source.startsWith(`${p.source}/if`);
  const mine = (await store.sources()).filter((s) => ours(s.source));
  if (mine.length === 0) return;
  const newest = Math.max(...mine.map((s) => Date.parse(s.last_seen)));
  // Oldest first, as the earlier run read them: the memory's recency order is the same.
  for (const r of await store.scan(newest - RESUME_WINDOW_MS, newest + 1, CONVERSATION_MEMORY)) {
    if (!ours(r.source) || r.ipVersion !== p.v) continue;
    const key = ntopngConversationKey(r.client, r.clientPort, r.server, r.serverPort, r.proto, r.vlan);
    const prev = p.conversations.get(key);
    p.conversations.set(key, { clientIs1: false, evidence: 'exporter', lastSeen: Math.max(r.lastSeen, prev?.lastSeen ?? -Infinity) });
  }
}
