/**
 * NetFlow v5, NetFlow v9 and IPFIX decoding for the collector: one decoder per listening port, the
 * protocol told apart per datagram by its version field (5, 9, 10); other versions are counted.
 *
 *   const health = new HealthBook();
 *   const netflow = createNetflowDecoder(health);          // the --netflow and --ipfix ports alike
 *   socket.on('message', (msg, rinfo) => netflow.decode(msg, rinfo.address, Date.now(), onFlow));
 *   ...
 *   netflow.finish();   // at end of input: data still waiting for its template counts as template misses
 *
 * Exporter addresses must be canonical text (IPv4 dotted quad; IPv6 RFC 5952, no IPv4-mapped form).
 * Flows are emitted synchronously from decode(), raw (unscaled) with their sampling rate; data held
 * for want of a template is emitted later, from the decode() call that brings the template.
 * decode() never throws on datagram content: problems are counted per exporter in the HealthBook.
 */
import type { ExportDecoder, ExportedFlow, HealthBook } from '../../model.js';
import type { NetflowLimits } from './state.js';
import { TemplatedDecoder } from './templated.js';
import { V5Decoder } from './v5.js';

export type { NetflowLimits } from './state.js';

export interface NetflowDecoderOptions {
  /** Memory bounds and lifetimes of templates and held data (see DEFAULT_LIMITS in state.ts). */
  limits?: Partial<NetflowLimits>;
}

export interface NetflowDecoder extends ExportDecoder {
  /** End of input: drop data still held for want of a template, counting it as template misses. */
  finish(): void;
}

class Dispatcher implements NetflowDecoder {
  private readonly v5: V5Decoder;
  private readonly templated: TemplatedDecoder;

  constructor(private readonly health: HealthBook, opts: NetflowDecoderOptions) {
    this.v5 = new V5Decoder(health);
    this.templated = new TemplatedDecoder(health, opts.limits);
  }

  decode(datagram: Buffer, exporter: string, receivedMs: number, emit: (flow: ExportedFlow) => void): void {
    const version = datagram.length >= 2 ? datagram.readUInt16BE(0) : -1;
    if (version === 5) this.v5.decode(datagram, exporter, receivedMs, emit);
    else if (version === 9) this.templated.decode(datagram, exporter, receivedMs, emit, true);
    else if (version === 10) this.templated.decode(datagram, exporter, receivedMs, emit, false);
    else {
      // No protocol to file it under: counted against the exporter as NetFlow v5, domain 0.
      const h = this.health.get(exporter, 0, 'netflow-v5');
      h.datagrams++;
      h.lastSeen = receivedMs;
      this.health.error(h, version < 0 ? 'truncated header' : `unknown NetFlow version ${version}`);
    }
  }

  finish(): void {
    this.templated.finish();
  }
}

export function createNetflowDecoder(health: HealthBook, opts: NetflowDecoderOptions = {}): NetflowDecoder {
  return new Dispatcher(health, opts);
}
