/** Hand-built frames for decoder and reader tests (test-only helper, no tests of its own). */

export function ip4(a: string): Buffer {
  return Buffer.from(a.split('.').map(Number));
}

/** IPv6 text (with optional ::) → 16 bytes. */
export function ip6(a: string): Buffer {
  const [head, tail] = a.includes('::') ? a.split('::') : [a, undefined];
  const h = head ? head.split(':') : [];
  const t = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...new Array<string>(8 - h.length - t.length).fill('0'), ...t];
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), 2 * i));
  return out;
}

/** Words as PacketInfo holds them, for comparison. */
export function words4(a: string): number[] {
  return [0, 0, 0xffff, ip4(a).readUInt32BE(0)];
}
export function words6(a: string): number[] {
  const b = ip6(a);
  return [0, 4, 8, 12].map((o) => b.readUInt32BE(o));
}

export interface Ip4Opts {
  src?: string;
  dst?: string;
  proto: number;
  payload?: Buffer;
  id?: number;
  /** Fragment offset in 8-byte units. */
  fragOffset?: number;
  mf?: boolean;
  /** Override the total-length field. */
  totalLen?: number;
  options?: Buffer;
}

export function ipv4(o: Ip4Opts): Buffer {
  const opts = o.options ?? Buffer.alloc(0);
  const payload = o.payload ?? Buffer.alloc(0);
  const h = Buffer.alloc(20);
  h[0] = 0x40 | ((20 + opts.length) >> 2);
  h.writeUInt16BE(o.totalLen ?? 20 + opts.length + payload.length, 2);
  h.writeUInt16BE(o.id ?? 0x1234, 4);
  h.writeUInt16BE((o.mf ? 0x2000 : 0) | (o.fragOffset ?? 0), 6);
  h[8] = 64;
  h[9] = o.proto;
  ip4(o.src ?? '10.0.0.1').copy(h, 12);
  ip4(o.dst ?? '10.0.0.2').copy(h, 16);
  return Buffer.concat([h, opts, payload]);
}

export interface Ip6Opts {
  src?: string;
  dst?: string;
  nh: number;
  payload?: Buffer;
  plen?: number;
}

export function ipv6(o: Ip6Opts): Buffer {
  const payload = o.payload ?? Buffer.alloc(0);
  const h = Buffer.alloc(40);
  h[0] = 0x60;
  h.writeUInt16BE(o.plen ?? payload.length, 4);
  h[6] = o.nh;
  h[7] = 64;
  ip6(o.src ?? '2001:db8::1').copy(h, 8);
  ip6(o.dst ?? '2001:db8::2').copy(h, 24);
  return Buffer.concat([h, payload]);
}

/** A generic IPv6 extension header (hop-by-hop, routing, destination options) padded to 8 bytes. */
export function ext6(nh: number, body: Buffer = Buffer.alloc(6)): Buffer {
  const len = Math.ceil((body.length + 2) / 8) * 8;
  const b = Buffer.alloc(len);
  b[0] = nh;
  b[1] = len / 8 - 1;
  body.copy(b, 2);
  return b;
}

export function frag6(nh: number, offset8: number, more: boolean, id: number): Buffer {
  const b = Buffer.alloc(8);
  b[0] = nh;
  b.writeUInt16BE((offset8 << 3) | (more ? 1 : 0), 2);
  b.writeUInt32BE(id >>> 0, 4);
  return b;
}

export function tcp(sport: number, dport: number, flags = 0x02, data: Buffer = Buffer.alloc(0)): Buffer {
  const b = Buffer.alloc(20);
  b.writeUInt16BE(sport, 0);
  b.writeUInt16BE(dport, 2);
  b[12] = 5 << 4;
  b[13] = flags;
  return Buffer.concat([b, data]);
}

export function udp(sport: number, dport: number, data: Buffer = Buffer.alloc(0)): Buffer {
  const b = Buffer.alloc(8);
  b.writeUInt16BE(sport, 0);
  b.writeUInt16BE(dport, 2);
  b.writeUInt16BE(8 + data.length, 4);
  return Buffer.concat([b, data]);
}

export function icmp(type: number, code: number, id = 0, seq = 0, data: Buffer = Buffer.alloc(0)): Buffer {
  const b = Buffer.alloc(8);
  b[0] = type;
  b[1] = code;
  b.writeUInt16BE(id, 4);
  b.writeUInt16BE(seq, 6);
  return Buffer.concat([b, data]);
}

export interface Tag {
  tpid: number;
  vid: number;
}

export function ether(type: number, payload: Buffer, tags: Tag[] = []): Buffer {
  const parts: Buffer[] = [Buffer.from('020000000002020000000001', 'hex')];
  for (const t of tags) {
    const b = Buffer.alloc(4);
    b.writeUInt16BE(t.tpid, 0);
    b.writeUInt16BE(t.vid, 2);
    parts.push(b);
  }
  const tb = Buffer.alloc(2);
  tb.writeUInt16BE(type, 0);
  parts.push(tb, payload);
  return Buffer.concat(parts);
}

export function sll(type: number, payload: Buffer): Buffer {
  const h = Buffer.alloc(16);
  h.writeUInt16BE(0, 0);
  h.writeUInt16BE(1, 2);
  h.writeUInt16BE(6, 4);
  h.writeUInt16BE(type, 14);
  return Buffer.concat([h, payload]);
}

export function sll2(type: number, payload: Buffer): Buffer {
  const h = Buffer.alloc(20);
  h.writeUInt16BE(type, 0);
  h.writeUInt32BE(2, 4);
  h.writeUInt16BE(1, 8);
  return Buffer.concat([h, payload]);
}

export function nullHdr(family: number, littleEndian: boolean, payload: Buffer): Buffer {
  const h = Buffer.alloc(4);
  if (littleEndian) h.writeUInt32LE(family, 0);
  else h.writeUInt32BE(family, 0);
  return Buffer.concat([h, payload]);
}
