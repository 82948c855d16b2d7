/**
 * SIGINT/SIGTERM: the first signal asks the running work to stop and flush what it accepted; a second
 * one exits at once.
 */
export function stopOnSignals(onStop: () => void, what = 'stopping, storing the flows seen so far'): () => void {
  let stopping = false;
  const handler = (sig: NodeJS.Signals) => {
    if (stopping) process.exit(sig === 'SIGINT' ? 130 : 143);
    stopping = true;
    process.stderr.write(`flowmap: ${sig}: ${what} (again to abort)\n`);
    onStop();
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}
