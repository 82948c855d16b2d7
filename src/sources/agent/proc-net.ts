/**
 * The kernel's socket tables as text (/proc/net/tcp, tcp6, udp, udp6) → listening and established
 * sockets with their inode. Pure: the caller reads the files (take.ts), the tests feed captured text.
 */
import { endianness } from 'node:os';
import { formatAddr } from '../../util/ip.js';

export type SocketProto = 'tcp' | 'udp';

export interface NetSocket {
  proto: SocketProto;
  state: 'listen' | 'established';
  localAddr: string;
  localPort: number;
  /** Null for listeners. */
  remoteAddr: string | null;
  remotePort: number | null;
  /** The socket inode: the key to the process that holds it (`socket:[INODE]` in /proc/PID/fd). */
  inode: number;
  /** The socket owner's uid as the kernel reports it (the table's `uid` column). */
  uid: number;
}

// The kernel prints each 32-bit address word with %08X of its in-memory value: on a little-endian
// machine that reverses the bytes of each word, on a big-endian one it does not.
const LITTLE_ENDIAN = endianness() === 'LE';

const TCP_LISTEN = 0x0a;
/**
 * Connection states that still belong to a process: SYN_SENT 02, SYN_RECV 03, ESTABLISHED 01, and the
 * closing ones before the socket is released (FIN_WAIT1 04, FIN_WAIT2 05, CLOSE_WAIT 08, LAST_ACK 09,
 * CLOSING 0B). A client reading a finished download slowly sits in CLOSE_WAIT for most of it.
 * TIME_WAIT (06) has no process.
 */
const TCP_CONNECTED = new Set([0x01, 0x02, 0x03, 0x04, 0x05, 0x08, 0x09, 0x0b]);
/** A UDP socket that is bound but not connected shows TCP_CLOSE (07). */
const UDP_UNCONNECTED = 0x07;

/** One %08X word → the address word in network order. */
function word(hex: string, at: number, littleEndian: boolean): number {
  const v = parseInt(hex.slice(at, at + 8), 16);
  if (!littleEndian) return v >>> 0;
  return (((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >>> 8) & 0xff00) | (v >>> 24)) >>> 0;
}

/** `0100007F` → 127.0.0.1; 32 hex digits → IPv6 text (v4-mapped as a dotted quad); null when malformed. */
export function decodeHexAddr(hex: string, littleEndian = LITTLE_ENDIAN): string | null {
  if (!/^[0-9A-Fa-f]+$/.test(hex)) return null;
  if (hex.length === 8) return formatAddr([0, 0, 0xffff, word(hex, 0, littleEndian)]);
  if (hex.length === 32) return formatAddr([0, 8, 16, 24].map((at) => word(hex, at, littleEndian)));
  return null;
}

/** True for an all-zero address (0.0.0.0 or ::). */
const isZeroHex = (hex: string): boolean => /^0+$/.test(hex);

/**
 * Parses one table. TCP keeps LISTEN, and the connection states a process still owns (as
 * `established`: TCP_CONNECTED). UDP keeps bound, unconnected sockets as `listen`; connected UDP sockets (a client's
 * `connect()`ed socket, a DNS resolver's query) are left out: they are the client side of a flow that
 * the server's agent reports as a listener. Lines that do not parse are skipped and counted.
 */
export function parseProcNet(text: string, proto: SocketProto, littleEndian = LITTLE_ENDIAN): { sockets: NetSocket[]; malformed: number } {
  const sockets: NetSocket[] = [];
  let malformed = 0;
  let start = text.indexOf('\n') + 1; // the header line
  if (start === 0) return { sockets, malformed };
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const line = text.slice(start, end);
    start = end + 1;
    if (line.trim() === '') continue;
    // sl local rem st tx:rx tr:when retrnsmt uid timeout inode …
    const f = line.trim().split(/\s+/);
    if (f.length < 10) {
      malformed++;
      continue;
    }
    const st = parseInt(f[3], 16);
    const keep = proto === 'tcp' ? st === TCP_LISTEN || TCP_CONNECTED.has(st) : st === UDP_UNCONNECTED;
    if (!keep) continue;
    const [lHex, lPortHex] = f[1].split(':');
    const [rHex, rPortHex] = f[2].split(':');
    const localAddr = decodeHexAddr(lHex ?? '', littleEndian);
    const remoteAddr = decodeHexAddr(rHex ?? '', littleEndian);
    const localPort = parseInt(lPortHex ?? '', 16);
    const remotePort = parseInt(rPortHex ?? '', 16);
    const uid = Number(f[7]);
    const inode = Number(f[9]);
    if (localAddr === null || remoteAddr === null || !(localPort >= 0 && localPort <= 0xffff) || !(remotePort >= 0 && remotePort <= 0xffff) || !Number.isSafeInteger(inode) || !Number.isSafeInteger(uid)) {
      malformed++;
      continue;
    }
    if (proto === 'udp') {
      // An unbound UDP socket (port 0) listens on nothing; a peer in a CLOSE-state row is not expected.
      if (localPort === 0 || !isZeroHex(rHex) || remotePort !== 0) continue;
    }
    const listen = proto === 'udp' || st === TCP_LISTEN;
    sockets.push({
      proto,
      state: listen ? 'listen' : 'established',
      localAddr,
      localPort,
      remoteAddr: listen ? null : remoteAddr,
      remotePort: listen ? null : remotePort,
      inode,
      uid,
    });
  }
  return { sockets, malformed };
}
