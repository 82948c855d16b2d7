/**
 * sFlow v5 decoding for the collector (the --sflow port).
 *
 *   const health = new HealthBook();
 *   const sflow = createSflowDecoder(health);
 *   socket.on('message', (msg, rinfo) => sflow.decode(msg, rinfo.address, Date.now(), onFlow));
 *
 * Each flow sample becomes one ExportedFlow: packets 1, bytes = the sampled packet's IP length,
 * samplingRate = the sample's rate (the pairing scales), times = `receivedMs`. The exporter and
 * domain are the datagram's agent address and sub-agent id (not the UDP source). decode() never
 * throws on datagram content: problems are counted per agent in the HealthBook.
 */
import type { ExportDecoder, HealthBook } from '../../model.js';
import { SflowDecoder } from './decoder.js';

export function createSflowDecoder(health: HealthBook): ExportDecoder {
  return new SflowDecoder(health);
}
