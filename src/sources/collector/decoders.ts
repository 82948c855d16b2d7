/** The decoders one collector uses, all counting into its HealthBook. */
import { createNetflowDecoder } from '../netflow/index.js';
import { createSflowDecoder } from '../sflow/index.js';
import type { HealthBook } from './exported.js';
import type { ExportDecoders } from './dispatch.js';

export function createDecoders(health: HealthBook): ExportDecoders {
  return { netflow: createNetflowDecoder(health), sflow: createSflowDecoder(health) };
}
