/** The decoders one collector uses, all counting into its HealthBook. */
import { createNetflowDecoder } from '../netflow/index.js';
import type { ExportDecoder, ExportedFlow, HealthBook } from './exported.js';
import type { ExportDecoders } from './dispatch.js';

export function createDecoders(health: HealthBook): ExportDecoders {
  return { netflow: createNetflowDecoder(health), sflow: new NoSflowDecoder(health) };
}

/** Until the sFlow decoder lands: sFlow datagrams are counted per agent as not decoded. */
class NoSflowDecoder implements ExportDecoder {
  constructor(private readonly health: HealthBook) {}

  decode(_datagram: Buffer, exporter: string, receivedMs: number, _emit: (flow: ExportedFlow) => void): void {
    const h = this.health.get(exporter, 0, 'sflow');
    h.datagrams++;
    h.lastSeen = receivedMs;
    this.health.error(h, 'sFlow decoding not available');
  }
}
