/** What the API's routes need, built once by `flowmap serve` (or a test) and shared by every route. */
import { interfaceNamer } from '../config/interfaces.js';
import type { FlowmapConfig } from '../config/model.js';
import { GroupRules } from '../graph/groups.js';
import { configNameRows } from '../graph/load.js';
import type { NameRow } from '../names/names.js';
import type { ServiceRegistry } from '../services/registry.js';
import { storeDisplay } from '../store/spec.js';
import type { Store } from '../store/store.js';
import type { MetaResponse } from '../api/types.js';
import { LiveBus } from './live.js';
import { SocketIngest } from '../pipeline/sockets.js';
import { ExportRunner } from './export-runner.js';
import { ServerMetrics } from './metrics.js';

export interface ApiDeps {
  /** Queries go here (in `serve`: the same WorkerStore the collectors append to). */
  store: Store;
  services: ServiceRegistry;
  groups: GroupRules;
  /** The config file's names: they win over names seen on the network. */
  configNames: NameRow[];
  /** The config file's exporter interface names. */
  interfaceName: (exporter: string, ifIndex: number) => string | null;
  bus: LiveBus;
  /** Where agent snapshots go (POST /api/v1/agent). */
  sockets: SocketIngest;
  /** Map downloads, laid out and drawn off the server's thread. */
  exports: ExportRunner;
  /** Prometheus metrics of this process (GET /metrics). */
  metrics: ServerMetrics;
  storeInfo: MetaResponse['store'];
  version: string;
  /** The clock relative times (`since=2h`) are taken from. */
  now: () => number;
}

export function apiDeps(o: { store: Store; spec: string; config: FlowmapConfig; services: ServiceRegistry; version: string; bus?: LiveBus; metrics?: ServerMetrics; now?: () => number }): ApiDeps {
  return {
    store: o.store,
    services: o.services,
    groups: new GroupRules(o.config.groups),
    configNames: configNameRows(o.config.names),
    interfaceName: interfaceNamer(o.config),
    bus: o.bus ?? new LiveBus(),
    sockets: new SocketIngest(o.store),
    exports: new ExportRunner(),
    metrics: o.metrics ?? new ServerMetrics(),
    storeInfo: storeDisplay(o.spec),
    version: o.version,
    now: o.now ?? Date.now,
  };
}
