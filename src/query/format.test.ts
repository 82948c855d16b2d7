import { test } from 'node:test';
import assert from 'node:assert/strict';
import { csvCell, formatCsv, formatJson, formatTable, sanitize, TOP_COLUMNS, type Column } from './format.js';
import type { EdgeRow } from '../store/store.js';

const EDGE: EdgeRow = {
  client: '192.168.1.69', server: '192.168.1.240', port: 902, proto: 'tcp', service: 'vmware-esxi-nfc',
  bytes_c2s: 188_567_181, bytes_s2c: 28_614_544_156, bytes: 28_803_111_337, packets: 20_000_000, connections: 3,
  first_seen: '2026-11-28T07:00:00.000Z', last_seen: '2026-11-28T07:05:01.000Z', server_process: null, client_process: null,
};

test('CSV: RFC 4180 quoting and formula injection guard', () => {
  assert.equal(csvCell('plain'), 'plain');
  assert.equal(csvCell('a,b'), '"a,b"');
  assert.equal(csvCell('say "hi"'), '"say ""hi"""');
  assert.equal(csvCell('line\nbreak'), '"line\nbreak"');
  assert.equal(csvCell('=HYPERLINK("http://evil")'), `"'=HYPERLINK(""http://evil"")"`);
  assert.equal(csvCell('+1+cmd|calc'), "'+1+cmd|calc");
  assert.equal(csvCell('-2+3'), "'-2+3");
  assert.equal(csvCell('@SUM(A1)'), "'@SUM(A1)");
  assert.equal(csvCell('\tx'), "'\tx");
  assert.equal(csvCell('\rx'), `"'\rx"`);
  assert.equal(csvCell('-42'), '-42');
  assert.equal(csvCell('-4.5'), '-4.5');
  assert.equal(csvCell(-42), '-42');
  assert.equal(csvCell(null), '');
  assert.equal(csvCell(0), '0');
  // Process names come from agents on the hosts: as untrusted as names from the network.
  const csv = formatCsv([EDGE, { ...EDGE, service: '=cmd()', server_process: '+SUM(A1)', client_process: '@x,"y"' }], TOP_COLUMNS.edges);
  const lines = csv.split('\r\n');
  assert.equal(lines[0], 'client,server,port,proto,service,server_process,client_process,bytes_c2s,bytes_s2c,bytes,packets,connections,first_seen,last_seen');
  assert.equal(lines[1], '192.168.1.69,192.168.1.240,902,tcp,vmware-esxi-nfc,,,188567181,28614544156,28803111337,20000000,3,2026-11-28T07:00:00.000Z,2026-11-28T07:05:01.000Z');
  assert.ok(lines[2].includes(",'=cmd(),'+SUM(A1),\"'@x,\"\"y\"\"\","), lines[2]);
  assert.equal(lines[3], '');
});

test('JSON is the rows as they are', () => {
  assert.deepEqual(JSON.parse(formatJson([EDGE])), [EDGE]);
});

test('table: exact numbers off a TTY, readable units on one, right-aligned', () => {
  const cols: Column<EdgeRow>[] = [{ key: 'client' }, { key: 'port', kind: 'number' }, { key: 'service' }, { key: 'bytes', kind: 'bytes' }];
  const rows = [EDGE, { ...EDGE, client: '10.0.0.1', port: 22, service: null, bytes: 1234 }];
  assert.equal(
    formatTable(rows, cols, { tty: false }),
    ['client        port  service                bytes', '192.168.1.69   902  vmware-esxi-nfc  28803111337', '10.0.0.1        22  -                       1234', ''].join('\n'),
  );
  assert.equal(
    formatTable(rows, cols, { tty: true }),
    ['client        port  service            bytes', '192.168.1.69   902  vmware-esxi-nfc  28.8 GB', '10.0.0.1        22  -                 1.2 kB', ''].join('\n'),
  );
});

test('table: control and bidi characters from the network are made visible', () => {
  assert.equal(sanitize('evil\x1b[31mred\x07'), 'evil\\x1b[31mred\\x07');
  assert.equal(sanitize('a\u202Eb'), 'a\\u202eb');
  assert.equal(sanitize('héllo wörld'), 'héllo wörld');
  const out = formatTable([{ host: 'x\ny\u0085' }], [{ key: 'host' }], { tty: true });
  assert.equal(out, 'host\nx\\x0ay\\x85\n');
});

test('table: program columns appear only when an agent named a program; lists are one cell', () => {
  const without = formatTable([EDGE], TOP_COLUMNS.edges, { tty: false });
  assert.ok(!without.includes('server_process'), without);
  const withProc = formatTable([EDGE, { ...EDGE, server_process: 'influxd\u001b[31m' }], TOP_COLUMNS.edges, { tty: false });
  const [head, first, second] = withProc.split('\n');
  // Each optional column on its own: no client program is known, so that column stays out.
  assert.match(head, /service +server_process +bytes_c2s/);
  assert.match(first, /vmware-esxi-nfc +- +188567181/);
  assert.match(second, /vmware-esxi-nfc +influxd\\x1b\[31m +188567181/, 'control characters shown escaped');
  const svc = { port: 8086, proto: 'tcp', service: 'influxdb', servers: 2, clients: 3, connections: 4, bytes_c2s: 1, bytes_s2c: 2, bytes: 3, packets: 4, first_seen: 'a', last_seen: 'b', processes: ['influxd', 'telegraf'] };
  assert.match(formatTable([svc], TOP_COLUMNS.services, { tty: false }), /influxdb +influxd telegraf +2/);
  assert.match(formatCsv([svc], TOP_COLUMNS.services), /influxdb,influxd telegraf,2,/);
});
