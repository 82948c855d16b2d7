/** HTTP/1.x Host: the name a client asks for in a request's header (plain-text HTTP only). */

const METHODS = ['GET ', 'POST ', 'PUT ', 'HEAD ', 'DELETE ', 'OPTIONS ', 'PATCH '];
/** Look no further than this into a request for the Host header. */
const MAX_SCAN = 4096;

/** The Host header's name (port removed) of an HTTP request at buf[start, end), or null. */
export function peekHttpHost(buf: Buffer, start: number, end: number): string | null {
  const b0 = buf[start];
  // Cheap first test: every method starts with one of these capitals.
  if (b0 !== 0x47 && b0 !== 0x50 && b0 !== 0x48 && b0 !== 0x44 && b0 !== 0x4f) return null;
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
