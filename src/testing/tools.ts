/**
 * Test helper: the one way tests find a reference tool or peer: an executable file of that name in a
 * PATH folder (never a fixed Debian path, which differs between distributions and installs).
 */
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

const found = new Map<string, string | null>();

/** The full path of `name` on PATH, or null when it is not installed. */
export function toolPath(name: string): string | null {
  let p = found.get(name);
  if (p === undefined) {
    p = null;
    for (const dir of (process.env.PATH ?? '').split(delimiter)) {
      if (!dir) continue;
      const candidate = join(dir, name);
      try {
        if (!statSync(candidate).isFile()) continue;
        accessSync(candidate, constants.X_OK);
        p = candidate;
        break;
      } catch {
        // not here
      }
    }
    found.set(name, p);
  }
  return p;
}

/** True when every one of `names` is on PATH. */
export const hasTools = (...names: string[]): boolean => names.every((n) => toolPath(n) !== null);

/** The full path of `name` on PATH; throws when it is missing (call only from a test that skips without it). */
export function requireTool(name: string): string {
  const p = toolPath(name);
  if (!p) throw new Error(`${name} is not on PATH (scripts/test-env.sh installs it)`);
  return p;
}

/** A test's skip reason when a tool is missing: `skip: missingTool('tshark', 'mergecap')`. */
export function missingTool(...names: string[]): string | false {
  const missing = names.filter((n) => toolPath(n) === null);
  return missing.length ? `${missing.join(', ')} not on PATH` : false;
}
