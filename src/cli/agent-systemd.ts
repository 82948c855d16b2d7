/**
 * `flowmap agent --install-systemd`: the unit file for running the agent as a service, printed for the
 * operator to review and install. It never touches the system. The token stays out of the unit (units
 * are world-readable): it comes from an EnvironmentFile only root reads.
 */
import { dirname } from 'node:path';
import { formatDurationMs } from '../util/duration.js';

export const AGENT_ENV_FILE = '/etc/flowmap/agent.env';

export interface UnitOptions {
  /** The program that runs the agent: [node, main.js] as running now, so the unit starts this install. */
  command: string[];
  intervalMs: number;
  to?: string;
  output?: string;
}

/** systemd's quoting for one ExecStart= word: double quotes when it holds blanks, quotes or `\`; `%` and `$` doubled. */
export function systemdWord(s: string): string {
  const escaped = s.replace(/%/g, '%%').replace(/\$/g, '$$$$');
  return /[\s"'\\;]/.test(escaped) ? `"${escaped.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"` : escaped;
}

export function agentUnit(o: UnitOptions): string {
  const args = [...o.command, 'agent', '--interval', formatDurationMs(o.intervalMs)];
  if (o.to !== undefined) args.push('--to', o.to);
  if (o.output !== undefined) args.push('--output', o.output);
  const lines = [
    '# flowmap agent: this host\'s listening and connected sockets and the processes behind them,',
    '# snapshotted every interval (flowmap agent --help). Install:',
    '#   flowmap agent ... --install-systemd > /etc/systemd/system/flowmap-agent.service',
    `#   install -d -m 700 ${dirname(AGENT_ENV_FILE)} && echo FLOWMAP_TOKEN=... > ${AGENT_ENV_FILE} && chmod 600 ${AGENT_ENV_FILE}`,
    '#   systemctl daemon-reload && systemctl enable --now flowmap-agent',
    '[Unit]',
    'Description=flowmap agent (sockets and their processes, for the dependency map)',
    'Wants=network-online.target',
    'After=network-online.target',
    '',
    '[Service]',
    'Type=simple',
    `ExecStart=${args.map(systemdWord).join(' ')}`,
    '# FLOWMAP_TOKEN=<the server\'s token>; the leading "-" lets an --output-only agent run without it.',
    `EnvironmentFile=-${AGENT_ENV_FILE}`,
    'Restart=on-failure',
    'RestartSec=10s',
    '# An unprivileged user with just the two capabilities lsof needs: CAP_SYS_PTRACE to read other',
    '# users\' /proc/PID/fd and exe links, CAP_DAC_READ_SEARCH to list their fd directories.',
    'DynamicUser=yes',
    'AmbientCapabilities=CAP_SYS_PTRACE CAP_DAC_READ_SEARCH',
    'CapabilityBoundingSet=CAP_SYS_PTRACE CAP_DAC_READ_SEARCH',
    'NoNewPrivileges=yes',
    'StateDirectory=flowmap-agent',
    ...(o.output !== undefined ? [`# --output must be writable by the service's user: a file under /var/lib/flowmap-agent is.`, `ReadWritePaths=${systemdWord(dirname(o.output))}`] : []),
    '# It must see the host\'s network namespace and every process: no PrivateNetwork=, no ProtectProc=.',
    'ProtectSystem=strict',
    'ProtectHome=read-only',
    'PrivateTmp=yes',
    'PrivateDevices=yes',
    'ProtectKernelTunables=yes',
    'ProtectKernelModules=yes',
    'ProtectKernelLogs=yes',
    'ProtectControlGroups=yes',
    'ProtectClock=yes',
    '# AF_NETLINK: the interface addresses come over netlink.',
    'RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX AF_NETLINK',
    'RestrictNamespaces=yes',
    'RestrictRealtime=yes',
    'RestrictSUIDSGID=yes',
    'LockPersonality=yes',
    'SystemCallArchitectures=native',
    '',
    '[Install]',
    'WantedBy=multi-user.target',
    '',
  ];
  return lines.join('\n');
}
