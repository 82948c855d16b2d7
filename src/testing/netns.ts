/**
 * Test support: two network namespaces joined by a veth pair, each end with its address, as the live
 * capture and agent end-to-end tests use them. Needs root and `ip netns`.
 */
import { spawnSync } from 'node:child_process';

/** Run a command; its stdout, or an error naming the command and what it printed. */
export function run(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${(r.stderr || r.stdout || '').trim()}`);
  return r.stdout;
}

export interface VethPair {
  /** Namespace, interface and address of the server end and of the client end. */
  srvNs: string;
  srvIf: string;
  srv: string;
  cliNs: string;
  cliIf: string;
  cli: string;
}

/**
 * Both namespaces, the pair between them, addresses (/24) and loopback up. Quiet for captures: no
 * IPv6 link-local chatter (ND, MLD), and real-size segments on the wire (no TSO/GSO super-frames).
 */
export function joinNamespaces(v: VethPair): void {
  run('ip', ['netns', 'add', v.srvNs]);
  run('ip', ['netns', 'add', v.cliNs]);
  run('ip', ['link', 'add', v.srvIf, 'type', 'veth', 'peer', 'name', v.cliIf]);
  run('ip', ['link', 'set', v.srvIf, 'netns', v.srvNs]);
  run('ip', ['link', 'set', v.cliIf, 'netns', v.cliNs]);
  for (const [ns, itf, addr] of [[v.srvNs, v.srvIf, v.srv], [v.cliNs, v.cliIf, v.cli]]) {
    spawnSync('ip', ['netns', 'exec', ns, 'sysctl', '-qw', 'net.ipv6.conf.all.disable_ipv6=1'], { stdio: 'ignore' });
    run('ip', ['-n', ns, 'addr', 'add', `${addr}/24`, 'dev', itf]);
    run('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
    run('ip', ['-n', ns, 'link', 'set', itf, 'up']);
    spawnSync('ip', ['netns', 'exec', ns, 'ethtool', '-K', itf, 'tso', 'off', 'gso', 'off', 'gro', 'off', 'tx', 'off', 'rx', 'off'], { stdio: 'ignore' });
  }
}

/** Deleting the namespaces removes the pair with them; the link is deleted too in case one never moved. */
export function removeNamespaces(v: VethPair): void {
  spawnSync('ip', ['netns', 'del', v.srvNs], { stdio: 'ignore' });
  spawnSync('ip', ['netns', 'del', v.cliNs], { stdio: 'ignore' });
  spawnSync('ip', ['link', 'del', v.srvIf], { stdio: 'ignore' });
}
