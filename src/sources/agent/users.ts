/** uid → user name from /etc/passwd, read once per snapshot (no NSS: the agent adds no native module). */
import { readFileSync } from 'node:fs';

export function parsePasswd(text: string): Map<number, string> {
  const names = new Map<number, string>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const f = line.split(':');
    if (f.length < 3) continue;
    const uid = Number(f[2]);
    // The first entry for a uid wins, as getpwuid answers.
    if (f[0] !== '' && Number.isSafeInteger(uid) && uid >= 0 && !names.has(uid)) names.set(uid, f[0]);
  }
  return names;
}

export function readUsers(file = '/etc/passwd'): Map<number, string> {
  try {
    return parsePasswd(readFileSync(file, 'utf8'));
  } catch {
    return new Map();
  }
}
