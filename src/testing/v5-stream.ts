/**
 * Test helper: a steady stream of NetFlow v5 datagrams with known content. Each conversation (a client
 * of 10.1.0.0/16 to 10.0.0.1:443/tcp, a port of its own) is sent as its two halves in one datagram,
 * so the collector pairs it at once; its bytes say which conversation it is.
 */
import { createSocket } from 'node:dgram';
import { v5Packet, type V5Flow } from './flowexport-builders.js';

export const V5_PER_DATAGRAM = 15;

export interface SentConversation {
  client: string;
  clientPort: number;
  bytesC2s: number;
  bytesS2c: number;
  packets: number;
}

/** Conversation k (0-based), the same on every call. */
export function conversation(k: number): SentConversation {
  return { client: `10.1.${(k >> 8) & 255}.${k & 255}`, clientPort: 20_000 + (k % 40_000), bytesC2s: 1_000 + (k % 997), bytesS2c: 5_000 + (k % 1_009), packets: 4 };
}

/** Datagram i: conversations i*15 .. i*15+14. */
export function v5Datagram(i: number): Buffer {
  const nowSecs = Math.floor(Date.now() / 1000);
  const flows: V5Flow[] = [];
  for (let j = 0; j < V5_PER_DATAGRAM; j++) {
    const c = conversation(i * V5_PER_DATAGRAM + j);
    const base = { proto: 6, packets: 2, first: 90_000, last: 99_000, tcpFlags: 0x1b };
    flows.push({ ...base, src: c.client, dst: '10.0.0.1', srcPort: c.clientPort, dstPort: 443, bytes: c.bytesC2s });
    flows.push({ ...base, src: '10.0.0.1', dst: c.client, srcPort: 443, dstPort: c.clientPort, bytes: c.bytesS2c });
  }
  return v5Packet({ seq: i * V5_PER_DATAGRAM * 2, sysUptime: 100_000, unixSecs: nowSecs, flows });
}

/** Sends datagrams from..to-1 to 127.0.0.1:port, `perSecond` a second; stop() ends early. Resolves with how many were sent. */
export function sendSteadily(port: number, from: number, to: number, perSecond: number): { done: Promise<number>; stop(): void } {
  const sock = createSocket('udp4');
  let next = from;
  let stopped = false;
  let inFlight = 0;
  const done = new Promise<number>((resolve) => {
    const started = Date.now();
    const tick = (): void => {
      const due = Math.min(to, from + Math.floor(((Date.now() - started) / 1000) * perSecond) + 1);
      while (!stopped && next < due) {
        inFlight++;
        sock.send(v5Datagram(next++), port, '127.0.0.1', () => inFlight--);
      }
      // Closed once every datagram handed over has left the socket.
      if ((stopped || next >= to) && inFlight === 0) {
        sock.close(() => resolve(next - from));
        return;
      }
      setTimeout(tick, 10);
    };
    tick();
  });
  return {
    done,
    stop: () => {
      stopped = true;
    },
  };
}
