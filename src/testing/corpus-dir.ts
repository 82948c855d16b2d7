/** Test helper: the shared corpus, `../shared/corpus/` from the project root (or from a worktree under it). */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

export function corpusDir(sub: string): string {
  for (const up of ['..', '../..']) {
    const dir = resolve(process.cwd(), up, 'shared', 'corpus', sub);
    if (existsSync(dir)) return dir;
  }
  return resolve(process.cwd(), '..', 'shared', 'corpus', sub);
}
