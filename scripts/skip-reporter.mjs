/**
 * A node:test reporter beside `spec` (package.json's `npm test`): lists every skipped or todo test with
 * its file, line and reason at the end of the run. Under CI=true a skipped test fails the run (exit 1):
 * `.ci/run` installs every tool, so a skip there means a check silently did not run. Outside CI the list
 * is printed and the run's result is left alone.
 */
const underCi = /^(1|true|yes)$/i.test(process.env.CI ?? '');

/** `dist/x.test.js:12`: the built file the runner ran (relative to the working folder). */
function where(data) {
  if (!data.file) return '?';
  const file = data.file.startsWith(process.cwd() + '/') ? data.file.slice(process.cwd().length + 1) : data.file;
  return `${file}${data.line ? `:${data.line}` : ''}`;
}

function reason(data) {
  const r = data.skip ?? data.todo;
  return typeof r === 'string' && r ? r : data.skip !== undefined ? 'skipped, no reason given' : 'todo, no reason given';
}

export default async function* skipReporter(source) {
  const skipped = [];
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const { data } = event;
    if (data.skip === undefined && data.todo === undefined) continue;
    if (data.skip === false || data.todo === false) continue;
    skipped.push(`  ${where(data)}  ${data.name}: ${reason(data)}`);
  }
  if (skipped.length === 0) {
    yield 'skip report: no test skipped\n';
    return;
  }
  yield `\nskip report: ${skipped.length} test${skipped.length === 1 ? '' : 's'} skipped or todo\n${skipped.join('\n')}\n`;
  if (underCi) {
    yield 'skip report: CI=true, so a skipped test fails the run (scripts/test-env.sh installs what the tests need)\n';
    process.exitCode = 1;
  }
}
