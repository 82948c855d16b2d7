/**
 * Passive DNS: the A/AAAA answers of a DNS response, named by the question. Reads only the bytes
 * captured; a message cut by the snap length yields the answers that fit. Never throws.
 */

/** One answer: the address (4 or 16 bytes at `at` in the buffer) and the name asked for. */
export interface DnsAnswer {
  name: string;
  family: 4 | 6;
  at: number;
}

const MAX_ANSWERS = 32;

/** Answers in a DNS response message at buf[start, end); [] when it is not a usable response. */
export function peekDns(buf: Buffer, start: number, end: number): DnsAnswer[] {
  if (end - start < 12) return [];
  const flags = buf.readUInt16BE(start + 2);
  // A response (QR), standard query (opcode 0), no error, one question.
  if ((flags & 0x8000) === 0 || (flags & 0x7800) !== 0 || (flags & 0x000f) !== 0) return [];
  const qd = buf.readUInt16BE(start + 4);
  const an = buf.readUInt16BE(start + 6);
  if (qd !== 1 || an === 0) return [];
  let p = start + 12;
  const q = readName(buf, start, p, end);
  if (!q) return [];
  p = q.next;
  if (p + 4 > end) return [];
  const qtype = buf.readUInt16BE(p);
  if (qtype !== 1 && qtype !== 28) return [];
  p += 4;
  const out: DnsAnswer[] = [];
  for (let i = 0; i < an && i < MAX_ANSWERS; i++) {
    const n = readName(buf, start, p, end);
    if (!n) break;
    p = n.next;
    if (p + 10 > end) break;
    const type = buf.readUInt16BE(p);
    const cls = buf.readUInt16BE(p + 2) & 0x7fff;
    const len = buf.readUInt16BE(p + 8);
    p += 10;
    if (p + len > end) break;
    if (cls === 1 && type === 1 && len === 4) out.push({ name: q.name, family: 4, at: p });
    else if (cls === 1 && type === 28 && len === 16) out.push({ name: q.name, family: 6, at: p });
    p += len;
  }
  return out;
}

/** A (possibly compressed) name at p; `next` is where the record continues. Null when malformed. */
function readName(buf: Buffer, msg: number, p: number, end: number): { name: string; next: number } | null {
  const labels: string[] = [];
  let next = -1;
  let length = 0;
  for (let jumps = 0; jumps < 64; ) {
    if (p >= end) return null;
    const len = buf[p];
    if (len === 0) {
      if (next < 0) next = p + 1;
      const name = labels.join('.');
      return name === '' ? null : { name, next };
    }
    if ((len & 0xc0) === 0xc0) {
      if (p + 1 >= end) return null;
      if (next < 0) next = p + 2;
      p = msg + (((len & 0x3f) << 8) | buf[p + 1]);
      jumps++;
      continue;
    }
    if (len & 0xc0) return null;
    if (p + 1 + len > end) return null;
    length += len + 1;
    if (length > 255) return null;
    labels.push(buf.toString('latin1', p + 1, p + 1 + len));
    p += 1 + len;
  }
  return null;
}
