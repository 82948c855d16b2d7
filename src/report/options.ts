/** The report's options as the CLI and the API check them (a light module: no analysis code loaded). */
import { UsageError } from '../util/errors.js';

/**
 * The report's options that only make sense together: plan constraints need --waves, drift needs both
 * windows. `given` lists the plan options present (as CLI options; the API rewords them).
 */
export function checkReportOptions(o: { waves: boolean; given: readonly string[]; before: boolean; after: boolean }): void {
  const stray = o.waves ? undefined : o.given[0];
  if (stray) throw new UsageError(`${stray}: needs --waves N (the plan it constrains)`);
  if (o.before !== o.after) throw new UsageError('--before and --after: give both windows for the drift section, or neither');
}
