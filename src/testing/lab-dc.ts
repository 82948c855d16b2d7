/**
 * The lab's data centre as a store, through the real pipeline: capture written by the generator,
 * `flowmap ingest`ed into a DuckDB file, with a config naming every host. For the planning tests.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { datacenterSite, type DatacenterTruth } from '../gen/datacenter.js';
import { writeLabCapture } from '../gen/lab.js';
import { runCli, type CliResult } from './cli.js';

export interface LabDc {
  db: string;
  config: string;
  truth: DatacenterTruth;
}

/** An hour of traffic of `apps` applications, ingested into dir/dc.duckdb. */
export function labDcStore(dir: string, apps: number, seed = 1): LabDc {
  const dc = datacenterSite({ apps, seed });
  const pcap = join(dir, 'dc.pcap');
  writeLabCapture(pcap, { site: dc.site, packets: dc.packets, seed, snaplen: 96, durationSec: 3600 });
  const config = join(dir, 'flowmap.yaml');
  writeFileSync(config, `names:\n${dc.truth.names.map((n) => `  "${n.address}": "${n.name}"`).join('\n')}\n`);
  const db = join(dir, 'dc.duckdb');
  const r = runCli(['ingest', pcap, '--db', db]);
  if (r.code !== 0) throw new Error(`ingest failed: ${r.stderr}`);
  return { db, config, truth: dc.truth };
}

/**
 * The built CLI on a lab store and its config (`lab()` is read at each call: suites build the lab in
 * before()), and its `--json` answers (exit 0 asserted).
 */
export function labCli(lab: () => LabDc): { cli: (...args: string[]) => CliResult; json: <T>(...args: string[]) => T } {
  const cli = (...args: string[]): CliResult => runCli([...args, '--db', lab().db, '-c', lab().config]);
  const json = <T>(...args: string[]): T => {
    const r = cli(...args, '--json');
    if (r.code !== 0) throw new Error(`flowmap ${args.join(' ')} --json: exit ${r.code}: ${r.stderr}`);
    return JSON.parse(r.stdout) as T;
  };
  return { cli, json };
}
