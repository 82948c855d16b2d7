/** Interface names from the config (`exporters[].interfaces`), looked up by exporter address and ifIndex. */
import type { FlowmapConfig } from './model.js';

export function interfaceNamer(config: Pick<FlowmapConfig, 'exporters'>): (exporter: string, ifIndex: number) => string | null {
  const names = new Map<string, string>();
  for (const e of config.exporters) for (const i of e.interfaces) names.set(`${e.address}|${i.ifIndex}`, i.name);
  return (exporter, ifIndex) => names.get(`${exporter}|${ifIndex}`) ?? null;
}
