/**
 * Bytes of a record that straddles chunk boundaries. Preallocated and grown by doubling, so carrying
 * costs one copy per straddling record and no allocation in the steady state.
 */
export class CarryBuffer {
  buf: Buffer = Buffer.allocUnsafe(64 * 1024);
  len = 0;

  append(src: Buffer, start: number, n: number): void {
    const want = this.len + n;
    if (want > this.buf.length) {
      let size = this.buf.length * 2;
      while (size < want) size *= 2;
      const grown = Buffer.allocUnsafe(size);
      this.buf.copy(grown, 0, 0, this.len);
      this.buf = grown;
    }
    src.copy(this.buf, this.len, start, start + n);
    this.len = want;
  }

  /** Drop the first n bytes. */
  consume(n: number): void {
    this.buf.copyWithin(0, n, this.len);
    this.len -= n;
  }
}
