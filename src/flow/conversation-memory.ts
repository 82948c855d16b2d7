/**
 * Memory of decided conversations beyond the flow table (and the pairing's open conversations): for
 * each conversation key (addresses, ports, protocol, VLAN) which side is the client, how strongly that
 * is known, and when its latest record ended. With it a conversation that comes back after an idle gap
 * or an eviction keeps its sides (weak heuristics cannot turn it round) and is not counted again.
 *
 * Bounded: at most `bound` keys, the least recently used forgotten first (a Map keeps insertion order;
 * a hit is moved to the end). A forgotten conversation is decided and counted afresh when it returns.
 */
import { DIRECTION_EVIDENCE, type DirectionEvidence } from './record.js';
import { OldestCursor } from '../util/oldest-cursor.js';

/**
 * Default bound. Measured at 100,000 keys: 16 MB for the flow table's numeric keys, 35 MB for the
 * string keys of the flow-export pairing and the ntopng reader.
 */
export const CONVERSATION_MEMORY = 100_000;

export interface RememberedConversation {
  /** The client is the conversation's side 1 (canonical order: side 0 is the smaller (address, port) end). */
  clientIs1: boolean;
  evidence: DirectionEvidence;
  /** End of the conversation's latest record (epoch ms). */
  lastSeen: number;
}

/** What the flow table, the pairing and the ntopng reader need of a conversation memory. */
export interface ConversationRecall<K> {
  readonly size: number;
  readonly bound: number;
  get(key: K): RememberedConversation | undefined;
  set(key: K, value: RememberedConversation): void;
}

/**
 * The memory for any key (the ntopng reader's texts). Numeric 53-bit keys have a leaner one,
 * HashedConversationMemory (hashed-memory.ts), with the same behaviour.
 */
export class ConversationMemory<K> implements ConversationRecall<K> {
  private readonly map = new Map<K, RememberedConversation>();
  /** The least recently used key: keys only join at the end, and those before it were all evicted. */
  private readonly cursor = new OldestCursor<K>(this.map, () => this.map.keys());
  readonly bound: number;

  constructor(bound: number = CONVERSATION_MEMORY) {
    this.bound = Math.max(1, Math.floor(bound));
  }

  get size(): number {
    return this.map.size;
  }

  /**
   * What is remembered of `key`, or undefined. It does not refresh the key: every caller sets the key
   * right after (a record is written), and set() makes it the most recently used (moving it here too
   * cost one more delete and insert per record).
   */
  get(key: K): RememberedConversation | undefined {
    return this.map.get(key);
  }

  set(key: K, value: RememberedConversation): void {
    this.map.delete(key);
    this.map.set(key, value);
    this.cursor.changed(2);
    while (this.map.size > this.bound) this.map.delete(this.cursor.next() as K);
  }
}

/** Lower is stronger. A source that states the sides (`exporter`) is as strong as a handshake. */
export function evidenceRank(e: DirectionEvidence): number {
  return e === 'exporter' ? 0 : DIRECTION_EVIDENCE.indexOf(e);
}

/** Evidence that is more than a guess: the fan-in tally of endpoints is fed only from these. */
export function isStrongEvidence(e: DirectionEvidence): boolean {
  return evidenceRank(e) < evidenceRank('fan-in');
}

/**
 * The sides of a conversation's first record here (a new flow-table entry, a new pairing entry): its
 * own decision, unless what is remembered of the conversation is at least as strong. Then the
 * continuation keeps its conversation's sides (a new handshake, stronger than any guess, still wins).
 */
export function inheritSides(own: { clientIs1: boolean; evidence: DirectionEvidence }, prev: RememberedConversation | undefined): { clientIs1: boolean; evidence: DirectionEvidence } {
  if (prev && evidenceRank(prev.evidence) <= evidenceRank(own.evidence) && own.evidence !== 'handshake') return { clientIs1: prev.clientIs1, evidence: prev.evidence };
  return own;
}

/**
 * Conversations a first record here begins (1) or continues (0). A record that overlaps in time the
 * remembered conversation's latest one is another view of it (the other half of a unidirectional
 * export that found no partner). TCP: a record with a handshake (SYN or SYN-ACK) begins one; without,
 * it continues a remembered conversation (after an idle gap or an eviction), or begins one that
 * started before it was seen. Other protocols, and sources that do not show the handshake
 * (`tcpHandshake` null): a key seen again after the idle timeout begins a new conversation, sooner
 * (an eviction) continues one.
 */
export function conversationStarts(tcpHandshake: boolean | null, prev: RememberedConversation | undefined, firstSeen: number, idleTimeoutMs: number): 0 | 1 {
  if (prev && firstSeen <= prev.lastSeen) return 0;
  if (tcpHandshake !== null) return tcpHandshake || !prev ? 1 : 0;
  return !prev || firstSeen - prev.lastSeen >= idleTimeoutMs ? 1 : 0;
}
