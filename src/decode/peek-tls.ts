/** TLS SNI: the server name a client asks for in its ClientHello (the first record of the connection). */

/** The SNI host name in a TLS ClientHello at buf[start, end), or null. Never throws. */
export function peekTlsSni(buf: Buffer, start: number, end: number): string | null {
  // Record: handshake (22), version 3.x; handshake: ClientHello (1).
  if (end - start < 43 || buf[start] !== 0x16 || buf[start + 1] !== 3 || buf[start + 5] !== 1) return null;
  let p = start + 9 + 2 + 32; // record header 5, handshake header 4, client_version 2, random 32
  if (p >= end) return null;
  p += 1 + buf[p]; // session id
  if (p + 2 > end) return null;
  p += 2 + buf.readUInt16BE(p); // cipher suites
  if (p + 1 > end) return null;
  p += 1 + buf[p]; // compression methods
  if (p + 2 > end) return null;
  const extEnd = Math.min(end, p + 2 + buf.readUInt16BE(p));
  p += 2;
  while (p + 4 <= extEnd) {
    const type = buf.readUInt16BE(p);
    const len = buf.readUInt16BE(p + 2);
    p += 4;
    if (type === 0) {
      // server_name_list: length(2), then entries of type(1) length(2) name.
      if (p + 5 > extEnd || buf[p + 2] !== 0) return null;
      const nlen = buf.readUInt16BE(p + 3);
      if (nlen === 0 || p + 5 + nlen > extEnd) return null;
      return buf.toString('latin1', p + 5, p + 5 + nlen);
    }
    p += len;
  }
  return null;
}
