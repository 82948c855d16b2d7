/**
 * What every answer goes through: strict headers (CSP and friends), the Host check against DNS
 * rebinding on loopback, and the token when one is configured (Bearer header, or the cookie set once
 * the page is opened as /?token=T).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';

export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const SECURITY_HEADERS: ReadonlyArray<[string, string]> = [
  ['Content-Security-Policy', CONTENT_SECURITY_POLICY],
  ['X-Content-Type-Options', 'nosniff'],
  ['Referrer-Policy', 'no-referrer'],
  ['Cross-Origin-Opener-Policy', 'same-origin'],
  ['Cross-Origin-Resource-Policy', 'same-origin'],
  ['X-Frame-Options', 'DENY'],
];

export const TOKEN_COOKIE = 'flowmap_token';
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

export interface SecurityOptions {
  /** Required on every request when set. */
  token?: string;
  /** Bound to a loopback address: without a token, only Host headers naming loopback are served. */
  loopback: boolean;
  /** Served over HTTPS: the token cookie is marked Secure (never sent over plain HTTP). */
  secure?: boolean;
}

export function securityHeaders(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    for (const [k, v] of SECURITY_HEADERS) c.res.headers.set(k, v);
  };
}

export function accessGuard(opts: SecurityOptions): MiddlewareHandler {
  const expected = opts.token === undefined ? undefined : digest(opts.token);
  return async (c, next) => {
    if (expected === undefined) {
      // A page on some other site whose name resolves to 127.0.0.1 (DNS rebinding) sends its own Host.
      if (opts.loopback && !LOOPBACK_HOSTS.has(hostName(c.req.header('host')))) {
        return deny(c, 403, 'this server answers only requests addressed to localhost, 127.0.0.1 or [::1] (start it with --token to serve other names)');
      }
      return next();
    }
    const url = new URL(c.req.url);
    const fromUrl = url.searchParams.get('token');
    if (fromUrl !== null && !url.pathname.startsWith('/api/') && (c.req.method === 'GET' || c.req.method === 'HEAD')) {
      // Opening the page once as /?token=T: keep the token in a cookie, and drop it from the address bar.
      if (!matches(fromUrl, expected)) return deny(c, 401, 'wrong token');
      setCookie(c, TOKEN_COOKIE, fromUrl, { httpOnly: true, sameSite: 'Strict', path: '/', secure: opts.secure === true });
      url.searchParams.delete('token');
      c.header('Cache-Control', 'no-store');
      return c.redirect(url.pathname + url.search, 302);
    }
    const auth = c.req.header('authorization');
    const bearer = auth !== undefined && /^Bearer /i.test(auth) ? auth.slice(7).trim() : undefined;
    const given = bearer ?? getCookie(c, TOKEN_COOKIE);
    if (given === undefined || !matches(given, expected)) {
      c.header('WWW-Authenticate', 'Bearer realm="flowmap"');
      return deny(c, 401, given === undefined ? 'authentication required: send Authorization: Bearer TOKEN, or open /?token=TOKEN once' : 'wrong token');
    }
    return next();
  };
}

function deny(c: Context, status: 401 | 403, error: string): Response {
  return c.json({ error }, status);
}

export function digest(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}

/** Constant time: both sides are hashed to the same length first. */
export function matches(given: string, expected: Buffer): boolean {
  return timingSafeEqual(digest(given), expected);
}

/** `localhost:3000` -> `localhost`, `[::1]:3000` -> `[::1]`; lower case; '' when absent. */
export function hostName(host: string | undefined): string {
  if (!host) return '';
  const h = host.trim().toLowerCase();
  if (h.startsWith('[')) {
    const end = h.indexOf(']');
    return end < 0 ? h : h.slice(0, end + 1);
  }
  const colon = h.indexOf(':');
  return colon < 0 ? h : h.slice(0, colon);
}
