/** Heap measurements for tests that check memory stays bounded (a full GC first, as a heap snapshot does). */
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Bytes of live JavaScript heap after a full collection. */
export function liveHeapBytes(): number {
  gc();
  gc();
  return getHeapStatistics().used_heap_size;
}
