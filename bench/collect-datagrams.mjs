// NetFlow v9 datagrams for the collect section, 30 records each, all conversations distinct. By default
// every conversation has a client of its own (the worst case for pairing and for top edges); with
// `clients` N, conversation c comes from client c % N to server c % 200 (an estate of at most N edges
// to port 443, each with many conversations on distinct client ports). Datagrams come in pairs: a third of the records are a conversation's two halves one after the other (as
// softflowd and pmacct send them), the rest are halves whose partner is in the other datagram of the
// pair (as per-direction caches send them), so pairing goes through its map too.
export const PER = 30;
const REC = 45;
// Cisco-like v9 template 256: addresses, ports, counters, uptime times, flags, protocol, masks.
const FIELDS = [[8, 4], [12, 4], [15, 4], [10, 2], [14, 2], [2, 4], [1, 4], [22, 4], [21, 4], [7, 2], [11, 2], [6, 1], [4, 1], [5, 1], [16, 2], [17, 2], [9, 1], [13, 1]];

function header(buf, count, seq) {
  buf.writeUInt16BE(9, 0);
  buf.writeUInt16BE(count, 2);
  buf.writeUInt32BE(3_600_000, 4); // sysUptime
  buf.writeUInt32BE(Math.floor(Date.now() / 1000), 8);
  buf.writeUInt32BE(seq >>> 0, 12);
  buf.writeUInt32BE(0, 16); // source id
}

export function templateDatagram(seq) {
  const body = 4 + 4 + FIELDS.length * 4;
  const buf = Buffer.alloc(20 + body);
  header(buf, 1, seq);
  buf.writeUInt16BE(0, 20);
  buf.writeUInt16BE(body, 22);
  buf.writeUInt16BE(256, 24);
  buf.writeUInt16BE(FIELDS.length, 26);
  FIELDS.forEach(([id, len], i) => {
    buf.writeUInt16BE(id, 28 + i * 4);
    buf.writeUInt16BE(len, 30 + i * 4);
  });
  return buf;
}

const DATA_LEN = 20 + 4 + PER * REC + 2; // padded to a 4-byte boundary

function record(buf, o, c, reply, clients) {
  const client = 0x0a000000 + (clients > 0 ? c % clients : c & 0xffffff); // 10.x.y.z
  const server = 0xc0a80000 + (c % 200); // 192.168.0.0-199
  // With few clients, a client's next conversation takes its next port (a 5-tuple recurs only after 60,000 of them).
  const cport = 1024 + ((clients > 0 ? Math.floor(c / clients) : c) % 60000);
  buf.writeUInt32BE(reply ? server : client, o);
  buf.writeUInt32BE(reply ? client : server, o + 4);
  buf.writeUInt32BE(0, o + 8);
  buf.writeUInt16BE(1, o + 12);
  buf.writeUInt16BE(2, o + 14);
  buf.writeUInt32BE(reply ? 12 : 10, o + 16); // packets
  buf.writeUInt32BE(reply ? 15_000 : 900, o + 20); // bytes
  buf.writeUInt32BE(3_590_000, o + 24); // first (uptime ms)
  buf.writeUInt32BE(3_599_000, o + 28); // last
  buf.writeUInt16BE(reply ? 443 : cport, o + 32);
  buf.writeUInt16BE(reply ? cport : 443, o + 34);
  buf[o + 36] = 0x1b; // flags
  buf[o + 37] = 6;
  buf[o + 38] = 0;
  buf.writeUInt16BE(0, o + 39);
  buf.writeUInt16BE(0, o + 41);
  buf[o + 43] = 24;
  buf[o + 44] = 24;
}

/** Conversations a pair of datagrams carries. */
export const CONVERSATIONS_PER_PAIR = 30;

/** Datagram `second` (0 or 1) of the pair whose conversations start at `base`; `clients` as above (0: all distinct). */
export function dataDatagram(seq, base, second, clients = 0) {
  const buf = Buffer.alloc(DATA_LEN);
  header(buf, PER, seq);
  buf.writeUInt16BE(256, 20);
  buf.writeUInt16BE(4 + PER * REC + 2, 22);
  const own = base + (second ? 25 : 0);
  for (let k = 0; k < 10; k++) record(buf, 24 + k * REC, own + (k >> 1), (k & 1) === 1, clients);
  for (let k = 10; k < PER; k++) record(buf, 24 + k * REC, base + 5 + (k - 10), second, clients);
  return buf;
}
