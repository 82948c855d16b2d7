/**
 * /proc/PID/cgroup → the process's cgroup path and, where the path names one, its container id.
 * Pure, so every runtime's spelling is tested on captured text.
 */

export interface CgroupInfo {
  /** The cgroup path (the unified v2 one, else the most telling v1 one); null at the root. */
  cgroup: string | null;
  /** A container id: 64 hex digits (docker, podman, containerd, cri-o, kubepods) or an LXC name. */
  container: string | null;
}

// docker-<id>.scope, libpod-<id>.scope, cri-containerd-<id>.scope, crio-<id>.scope (systemd driver),
// /docker/<id>, /libpod/<id>, /kubepods/…/pod<uid>/<id> (cgroupfs driver).
const HEX_ID = /(?:^|[/-])([0-9a-f]{64})(?:\.scope)?$/;
const LXC = /(?:^|\/)lxc(?:\.payload)?[./]([A-Za-z0-9][A-Za-z0-9_.-]*?)(?:\/|$)/;

/** The container id a cgroup path names, or null. Looks at the innermost segment with an id first. */
export function containerOf(path: string): string | null {
  const segments = path.split('/').filter((s) => s !== '');
  for (let i = segments.length - 1; i >= 0; i--) {
    const m = HEX_ID.exec(segments[i]);
    if (m) return m[1];
  }
  const lxc = LXC.exec(path);
  return lxc ? lxc[1] : null;
}

/** v1 controllers most likely to carry the service or container path, in order of preference. */
const V1_PREFERRED = ['name=systemd', 'pids', 'memory', 'cpu,cpuacct', 'cpu', 'devices'];

export function parseCgroup(text: string): CgroupInfo {
  let unified: string | null = null;
  const v1 = new Map<string, string>();
  for (const line of text.split('\n')) {
    // hierarchy-ID:controller-list:path (the path may itself hold colons)
    const a = line.indexOf(':');
    const b = a < 0 ? -1 : line.indexOf(':', a + 1);
    if (b < 0) continue;
    const controllers = line.slice(a + 1, b);
    const path = line.slice(b + 1);
    if (path === '' || path === '/') continue;
    if (line.slice(0, a) === '0' && controllers === '') unified = path;
    else for (const c of controllers.split(',')) if (!v1.has(c)) v1.set(c, path);
    if (controllers !== '' && !v1.has(controllers)) v1.set(controllers, path);
  }
  const paths = [unified, ...V1_PREFERRED.map((c) => v1.get(c)), ...v1.values()].filter((p): p is string => p !== null && p !== undefined);
  for (const p of paths) {
    const container = containerOf(p);
    if (container !== null) return { cgroup: p, container };
  }
  return { cgroup: paths[0] ?? null, container: null };
}
