/** Test helper: the shared corpus, `../shared/corpus/` from the project root (or from a worktree under it). */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/** A test's skip reason when a corpus folder is not here (it lives beside the checkout), else false. */
export function corpusMissing(dir: string): string | false {
  return existsSync(dir) ? false : `no corpus at ${dir}`;
}

export function corpusDir(sub: string): string {
  for (const up of ['..', '../..']) {
    const dir = resolve(process.cwd(), up, 'shared', 'corpus', sub);
    if (existsSync(dir)) return dir;
  }
  return resolve(process.cwd(), '..', 'shared', 'corpus', sub);
}
