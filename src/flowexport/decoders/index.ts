/** The decoders one collector uses, all counting into its HealthBook. */
import { createNetflowDecoder } from './netflow/index.js';
import { createSflowDecoder } from './sflow/index.js';
import type { ExportDecoder, HealthBook } from '../model.js';

/** The decoders of one collector, all counting into the same HealthBook. */
export interface ExportDecoders {
  /** NetFlow v5, v9 and IPFIX, told apart by the version field. */
  netflow: FinishingDecoder;
  sflow: FinishingDecoder;
}

/** A decoder that may hold data (for want of a template): finish() settles it at end of input. */
export interface FinishingDecoder extends ExportDecoder {
  finish?(): void;
}

export function createDecoders(health: HealthBook): ExportDecoders {
  return { netflow: createNetflowDecoder(health), sflow: createSflowDecoder(health) };
}
