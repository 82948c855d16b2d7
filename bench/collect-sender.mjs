// Replays NetFlow v9 export datagrams (collect-datagrams.mjs) to 127.0.0.1:PORT at a steady rate,
// for the collect section. Prints {"flows":N,"datagrams":D,"ms":T} when done.
//   node bench/collect-sender.mjs PORT FLOWS_PER_SECOND SECONDS [CLIENTS]   (CLIENTS: see collect-datagrams.mjs)
import { createSocket } from 'node:dgram';
import { performance } from 'node:perf_hooks';
import { setTimeout } from 'node:timers';
import { CONVERSATIONS_PER_PAIR, PER, dataDatagram, templateDatagram } from './collect-datagrams.mjs';

const [port, rate, seconds, clients = 0] = process.argv.slice(2).map(Number);

const sock = createSocket({ type: 'udp4', sendBufferSize: 8 << 20 });
const total = Math.round((rate * seconds) / PER / 2) * 2; // whole pairs of datagrams
let sent = 0;
let seq = 0;
let base = Math.floor(Math.random() * 1e5) * CONVERSATIONS_PER_PAIR;
sock.send(templateDatagram(seq++), port, '127.0.0.1');
const t0 = performance.now();
await new Promise((resolve) => {
  const tick = () => {
    const due = Math.min(total, Math.floor(((performance.now() - t0) / 1000) * (rate / PER)));
    while (sent < due) {
      sock.send(dataDatagram(seq++, base, sent & 1, clients), port, '127.0.0.1');
      if ((sent & 1) === 1) base += CONVERSATIONS_PER_PAIR;
      sent++;
    }
    // Sleep between bursts: a spinning sender would take the CPU the collector under test needs.
    if (sent >= total) resolve();
    else setTimeout(tick, 1);
  };
  tick();
});
const ms = performance.now() - t0;
sock.close(() => process.stdout.write(JSON.stringify({ flows: sent * PER, datagrams: sent, ms }) + '\n'));
