import { hostname } from 'node:os';
import type { FlowExportContext } from '../pipeline/flowexport.js';
import type { Store } from '../store/store.js';
import type { CliContext } from './context.js';

/**
 * What `collect` and `ingest --exports` hand the export pipeline: the flow timeouts and the
 * exporters' sampling overrides from the config, and a name for this run's saved exporter health.
 */
export function flowExportContext(
  ctx: CliContext,
  store: Store,
  runKind: 'collect' | 'ingest',
  makeDecoders: FlowExportContext['makeDecoders'],
): FlowExportContext {
  const overrides = new Map(ctx.config.exporters.flatMap((e) => (e.samplingRate === undefined ? [] : [[e.address, e.samplingRate]])));
  return {
    store,
    services: ctx.services,
    idleTimeoutMs: ctx.config.flows.idleTimeoutMs,
    activeTimeoutMs: ctx.config.flows.activeTimeoutMs,
    maxFlows: ctx.config.flows.maxFlows,
    conversationMemory: ctx.config.flows.conversationMemory,
    samplingOverride: overrides.size > 0 ? (e) => overrides.get(e) : undefined,
    run: `${runKind}:${hostname()}:${process.pid}:${Date.now()}`,
    makeDecoders,
  };
}
