/**
 * UDP listeners for export datagrams: a large receive buffer, and the kernel's drop counter for the
 * socket (the `drops` column of /proc/net/udp or udp6), so overload is visible instead of silent.
 */
import { createSocket, type Socket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import type { DatagramHint } from '../model.js';

export type ListenerKind = 'netflow' | 'ipfix' | 'sflow';

export interface UdpListener {
  kind: ListenerKind;
  hint: DatagramHint;
  address: string;
  port: number;
  /** Receive buffer the kernel granted (bytes; Linux reports twice the usable size). */
  recvBufferSize: number;
  socket: Socket;
  /** Datagrams the kernel dropped for this socket since it opened (buffer full), or null when unknown. */
  kernelDrops(): number | null;
  /** Bytes received by the kernel and not yet read by us, or null when unknown. */
  queuedBytes(): number | null;
  close(): Promise<void>;
}

/** Asked for; the kernel caps it at net.core.rmem_max unless the process may raise it. */
export const RECV_BUFFER_BYTES = 32 * 1024 * 1024;

/**
 * Bind a UDP socket on address:port (port 0 picks a free one) and hand every datagram to
 * `onDatagram` with the sender's address text and the receive time.
 */
export function listenUdp(
  kind: ListenerKind,
  address: string,
  port: number,
  onDatagram: (buf: Buffer, from: string, receivedMs: number, hint: DatagramHint) => void,
): Promise<UdpListener> {
  const family = isIP(address);
  const socket = createSocket({ type: family === 6 ? 'udp6' : 'udp4', recvBufferSize: RECV_BUFFER_BYTES });
  const hint: DatagramHint = kind === 'sflow' ? 'sflow' : 'netflow';
  socket.on('message', (buf, rinfo) => onDatagram(buf, unmapped(rinfo.address), Date.now(), hint));
  return new Promise((resolve, reject) => {
    const fail = (e: Error) => reject(e);
    socket.once('error', fail);
    socket.bind({ address, port, exclusive: true }, () => {
      socket.off('error', fail);
      const bound = socket.address();
      let recvBufferSize = 0;
      try {
        recvBufferSize = socket.getRecvBufferSize();
      } catch {
        // not available on this platform: reported as 0
      }
      const procFile = family === 6 ? '/proc/net/udp6' : '/proc/net/udp';
      const base = readSocketLine(procFile, bound.port)?.drops ?? null;
      resolve({
        kind,
        hint,
        address: bound.address,
        port: bound.port,
        recvBufferSize,
        socket,
        kernelDrops: () => {
          const now = readSocketLine(procFile, bound.port)?.drops ?? null;
          return now === null || base === null ? now : now - base;
        },
        queuedBytes: () => readSocketLine(procFile, bound.port)?.rxQueue ?? null,
        close: () => new Promise<void>((done) => socket.close(() => done())),
      });
    });
  });
}

/** `::ffff:10.0.0.1` (an IPv4 sender on a dual-stack socket) is the exporter 10.0.0.1. */
function unmapped(a: string): string {
  return a.startsWith('::ffff:') && isIP(a.slice(7)) === 4 ? a.slice(7) : a;
}

/**
 * The line of the socket bound to `port` in /proc/net/udp[6]:
 * `sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode ref pointer drops`,
 * the local port in hex after the colon, the queues in hex. Null off Linux or when not found.
 */
export function readSocketLine(procFile: string, port: number, text?: string): { drops: number; rxQueue: number } | null {
  let body: string;
  try {
    body = text ?? readFileSync(procFile, 'utf8');
  } catch {
    return null;
  }
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  for (const line of body.split('\n')) {
    const cols = line.trim().split(/\s+/);
    if (cols.length < 13 || !cols[1].endsWith(`:${hexPort}`)) continue;
    const drops = Number(cols[cols.length - 1]);
    const rxQueue = Number.parseInt(cols[4].split(':')[1] ?? '', 16);
    if (!Number.isFinite(drops) || !Number.isFinite(rxQueue)) return null;
    return { drops, rxQueue };
  }
  return null;
}
