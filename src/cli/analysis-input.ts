import type { AnalysisInput } from '../analysis/run.js';
import { GroupRules } from '../graph/groups.js';
import { configNameRows } from '../graph/load.js';
import type { CliContext } from './context.js';

/** What deps and plan take from the config: services, names and groups (the store and filter come per call). */
export function analysisBase(ctx: CliContext): Omit<AnalysisInput, 'store' | 'filter'> {
  return { services: ctx.services, configNames: configNameRows(ctx.config.names), groups: new GroupRules(ctx.config.groups) };
}
