/**
 * The page: files of the built front end (dist/web: index.html and Vite's hashed /assets/). Hashed
 * assets are cached for good; index.html is revalidated so a new build is picked up. Only regular
 * files inside the root are served: no directory listings, no dot files, no way out of the root.
 */
import { stat, readFile } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Context } from 'hono';

/** dist/web beside dist/server, where `npm run build` puts the front end. */
export const DEFAULT_WEB_ROOT = fileURLToPath(new URL('../web/', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
};

export function staticHandler(root: string): (c: Context) => Promise<Response> {
  const base = resolve(root);
  return async (c) => {
    const file = safePath(base, new URL(c.req.url).pathname);
    if (file === null) return c.json({ error: 'not found' }, 404);
    let data: Buffer;
    try {
      if (!(await stat(file)).isFile()) return c.json({ error: 'not found' }, 404);
      data = await readFile(file);
    } catch {
      if (file === resolve(base, 'index.html')) return c.json({ error: 'the web page is not built (dist/web/index.html is missing): run npm run build' }, 404);
      return c.json({ error: 'not found' }, 404);
    }
    c.header('Content-Type', TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream');
    // Vite names assets by their content hash: a file there never changes.
    c.header('Cache-Control', file.startsWith(base + sep + 'assets' + sep) ? 'public, max-age=31536000, immutable' : 'no-cache');
    return c.body(new Uint8Array(data), 200);
  };
}

/** The file a URL path names inside root, or null (traversal, dot files, bad encoding). */
export function safePath(root: string, urlPath: string): string | null {
  let p: string;
  try {
    p = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (p === '/' || p === '') p = '/index.html';
  if (p.includes('\0') || p.includes('\\')) return null;
  const parts = p.split('/').filter((s) => s !== '');
  if (parts.some((s) => s.startsWith('.'))) return null;
  const file = resolve(root, ...parts);
  return file.startsWith(root + sep) ? file : null;
}
