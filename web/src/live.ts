/** Live updates: the server's event stream (/api/v1/events) and the badge that shows its state. */
import type { LiveEvent } from '../../src/api/types.js';
import { byId } from './dom.js';

export function startLive(onFlows: (ev: LiveEvent) => void, liveSources: string[] | null): EventSource {
  const badge = byId('live');
  const set = (cls: 'on' | 'off' | 'idle', text: string, title: string): void => {
    badge.className = `badge ${cls}`;
    badge.textContent = text;
    badge.title = title;
  };
  const sources = liveSources?.length ? liveSources.join(', ') : null;
  const es = new EventSource('/api/v1/events');
  es.addEventListener('open', () => set(sources ? 'on' : 'idle', sources ? 'live' : 'connected', sources ? `collecting: ${sources}` : 'connected; this server collects nothing itself'));
  es.addEventListener('error', () => set('off', 'offline', 'event stream lost; retrying'));
  const parse = (e: MessageEvent<string>): LiveEvent | null => {
    try {
      return JSON.parse(e.data) as LiveEvent;
    } catch {
      return null;
    }
  };
  es.addEventListener('hello', (e) => {
    const ev = parse(e as MessageEvent<string>);
    if (ev && sources) badge.title = `collecting: ${sources}; ${ev.stored.toLocaleString('en-US')} records stored`;
  });
  es.addEventListener('flows', (e) => {
    const ev = parse(e as MessageEvent<string>);
    if (!ev) return;
    badge.title = `collecting: ${sources ?? '-'}; ${ev.stored.toLocaleString('en-US')} records stored, newest ${ev.lastSeen ?? '-'}`;
    badge.classList.add('pulse');
    setTimeout(() => badge.classList.remove('pulse'), 600);
    onFlows(ev);
  });
  return es;
}
