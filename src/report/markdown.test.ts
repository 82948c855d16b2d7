import assert from 'node:assert/strict';
import { test } from 'node:test';
import { markdownText } from '../export/escape.js';
import { hostileReportData } from '../testing/report-data.js';
import { renderReportMarkdown, sparkText } from './markdown.js';

/** Cells of a GFM table line: split at pipes that are not escaped. */
const cells = (line: string): string[] => line.slice(1, -1).split(/(?<!\\)\|/);

test('report md: every table keeps its columns whatever the names; no raw markup from a name', () => {
  const md = renderReportMarkdown(hostileReportData());
  const outside = md.replace(/```mermaid\n[\s\S]*?```/g, '');
  assert.equal(outside.match(/(?<!\\)[<>]/g), null, 'every angle bracket escaped: no HTML from a name');
  assert.ok(outside.includes('\\<script\\>alert(1)\\</script\\>'), 'the name is shown, escaped');
  const lines = outside.split('\n');
  let columns = 0;
  for (const l of lines) {
    if (!l.startsWith('|')) {
      columns = 0;
      continue;
    }
    if (columns === 0) columns = cells(l).length;
    else assert.equal(cells(l).length, columns, l);
  }
  for (const h of ['## Summary', '## Inventory', '## Dependency map', '## Critical hosts', '## Waves', '### Wave 1', '## Shared services', '## Congestion', '## Drift', '## Method']) assert.ok(lines.includes(h), h);
  assert.equal(md.match(/```mermaid\n/g)?.length, 3, 'the overview and one map per wave');
  assert.ok(lines.includes('- [Dependency map](#dependency-map)'));
});

test('markdownText: markup characters escaped, lines joined', () => {
  assert.equal(markdownText('a|b *c* [d](e) <f> `g` &h; ~i~ #j\nk\\'), 'a\\|b \\*c\\* \\[d\\](e) \\<f\\> \\`g\\` \\&h; \\~i\\~ \\#j k\\\\');
  assert.equal(markdownText('plain name.example 10.0.0.1'), 'plain name.example 10.0.0.1');
});

test('sparkText: block characters scaled to the peak, long series summed into 40 columns', () => {
  assert.equal(sparkText([0, 1, 2, 4]), '\u2581\u2583\u2585\u2588');
  assert.equal(sparkText([]), '');
  assert.equal([...sparkText(Array.from({ length: 400 }, () => 1))].length, 40);
});
