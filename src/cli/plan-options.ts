import { Option, type Command } from 'commander';
import { parseBucket, parseConstraints, parseMaxHosts, parseShared, parseWaves } from '../analysis/options.js';
import type { PlanQuery } from '../analysis/run.js';

/** The plan's options as `plan` and `report` take them. */
export interface PlanCliOptions {
  waves?: string;
  maxHosts?: string;
  pin?: string[];
  together?: string[];
  apart?: string[];
  shared?: string;
  bucket?: string;
}

const collect = (value: string, previous: string[] = []) => previous.concat(value);

/** Declare --waves (required for `plan`, optional for `report`) and the plan's other options. */
export function addPlanOptions(cmd: Command, wavesRequired: boolean): Command {
  const waves = 'number of waves (move groups)';
  return (wavesRequired ? cmd.requiredOption('--waves <n>', waves) : cmd.option('--waves <n>', `${waves}; without it, no waves`))
    .option('--max-hosts <k>', 'no wave holds more than K hosts (default: a quarter over an even share, at least the largest application)')
    .addOption(new Option('--pin <host=wave>', 'HOST goes in wave W, e.g. 10.0.0.5=1 (repeatable)').argParser(collect))
    .addOption(new Option('--together <a,b,...>', 'these hosts move in the same wave (repeatable)').argParser(collect))
    .addOption(new Option('--apart <a,b>', 'these two hosts move in different waves (repeatable)').argParser(collect))
    .option('--shared <mode>', 'shared services (DNS, NTP, LDAP, monitoring, backup) kept out of the waves: auto, none, or HOST,HOST,...', 'auto')
    .option('--bucket <width>', 'bucket of the p95 rates of cross-wave dependencies, 1s to 1d (default 5m, wider for long windows)');
}

/** The plan query of the options (UsageError naming the option at fault). */
export function planQueryFromOptions(opts: PlanCliOptions): PlanQuery {
  const waves = parseWaves(opts.waves);
  return {
    waves,
    maxHosts: parseMaxHosts(opts.maxHosts),
    constraints: parseConstraints(waves, opts),
    shared: parseShared(opts.shared),
    bucketMs: parseBucket(opts.bucket),
  };
}
