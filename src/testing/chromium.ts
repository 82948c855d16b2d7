/** Headless Debian Chromium through playwright-core (never a downloaded browser), and a local page server. */
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { hasTools, requireTool } from './tools.js';

/** Debian's Chromium on PATH. */
export const hasChromium = (): boolean => hasTools('chromium');

export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: requireTool('chromium'),
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** Serves fixed paths (text, or a file read on demand) on 127.0.0.1; anything else is 404. */
export async function servePages(routes: Record<string, { type: string; body?: string; file?: string }>): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const r = routes[(req.url ?? '/').split('?')[0]];
    if (!r) {
      res.writeHead(404).end();
      return;
    }
    const send = (body: string | Buffer): void => {
      res.writeHead(200, { 'content-type': r.type }).end(body);
    };
    if (r.file) readFile(r.file).then(send, () => res.writeHead(500).end());
    else send(r.body ?? '');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
