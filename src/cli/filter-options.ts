import { Option, type Command } from 'commander';
import type { FlowFilter } from '../filter/filter.js';
import { parseFilter, type RawFilter } from '../filter/parse.js';

const collect = (value: string, previous: string[] = []) => previous.concat(value);

/** The filter options, declared once for every command that reads flows (design: one filter model). */
export function addFilterOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--subnet <cidr>', 'both ends inside this subnet (repeatable: any of them)').argParser(collect))
    .addOption(new Option('--exclude <ip|cidr>', 'drop flows with either end here (repeatable)').argParser(collect))
    .addOption(new Option('--host <ip|cidr>', 'only flows with either end here (repeatable)').argParser(collect))
    .addOption(new Option('--client <ip|cidr>', 'only flows whose client is here (repeatable)').argParser(collect))
    .addOption(new Option('--server <ip|cidr>', 'only flows whose server is here (repeatable)').argParser(collect))
    .addOption(new Option('--port <ports>', 'server port(s), e.g. 443 or 80,8080 (repeatable)').argParser(collect))
    .addOption(new Option('--proto <proto>', 'protocol name or number, e.g. tcp (repeatable)').argParser(collect))
    .addOption(new Option('--exporter <ip>', 'only flows reported by this flow exporter (repeatable)').argParser(collect))
    .addOption(new Option('--interface <ifindex>', "only flows through this exporter interface, in or out (SNMP ifIndex; repeatable)").argParser(collect))
    .option('--since <time>', 'flows seen since: ISO 8601 time (UTC unless a zone is given) or relative, e.g. 2h')
    .option('--until <time>', 'flows seen until: ISO 8601 time or relative, e.g. 30m')
    .option('--min-bytes <size>', 'drop rows below this total, e.g. 10MB')
    .option('--limit <n>', 'number of rows', '10');
}

/** Validated filter from the parsed options (throws UsageError with the option's name). */
export function filterFromOptions(opts: RawFilter): FlowFilter {
  return parseFilter(opts, Date.now());
}
