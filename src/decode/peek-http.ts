/** HTTP/1.x Host: the name a client asks for in a request's header (plain-text HTTP only). */

const METHODS = ['GET ', 'POST ', 'PUT ', 'HEAD ', 'DELETE ', 'OPTIONS ', 'PATCH '];
/** The first four bytes of each method, big-endian: one integer compare rejects other payloads. */
const PREFIXES = new Set(METHODS.map((m) => Buffer.from(m.slice(0, 4), 'latin1').readUInt32BE(0)));
/** Look no further than this into a request for the Host header. */
const MAX_SCAN = 4096;

/** The Host header's name (port removed) of an HTTP request at buf[start, end), or null. */
export function peekHttpHost(buf: Buffer, start: number, end: number): string | null {
  // Cheap first test on the hot path: the payload starts with a method's first four bytes.
  if (end - start < 18 || !PREFIXES.has(((buf[start] << 24) | (buf[start + 1] << 16) | (buf[start + 2] << 8) | buf[start + 3]) >>> 0)) return null;
  const stop = Math.min(end, start + MAX_SCAN);
  const head = buf.toString('latin1', start, stop);
  if (!METHODS.some((m) => head.startsWith(m))) return null;
  const lineEnd = head.indexOf('\r\n');
  if (lineEnd < 0 || !/ HTTP\/1\.[01]$/.test(head.slice(0, lineEnd))) return null;
  const m = /\r\nhost:[ \t]*([^\r\n]*)/i.exec(head);
  if (!m) return null;
  // The header must be complete (line end captured), or the name may be cut short.
  if (m.index + m[0].length >= head.length) return null;
  let host = m[1].trim();
  if (host.startsWith('[')) return null; // an IPv6 literal is no name
  const colon = host.lastIndexOf(':');
  if (colon >= 0 && /^\d+$/.test(host.slice(colon + 1))) host = host.slice(0, colon);
  return host === '' ? null : host;
}
