const CR = 0x0d;
const LF = 0x0a;

/** `findLineEnd` saw a CR as the last byte it has: the next byte decides whether it is CR LF. */
export const NEED_MORE = -2;
/** `findLineEnd` found no line break in the bytes it has. */
export const NOT_FOUND = -1;

interface Piece {
  start: number;
  bytes: Buffer;
}

/**
 * The decoded bytes kept since the last good record ended, addressed by absolute offset
 * in the decoded stream. The reader drops what it no longer needs, so the window stays
 * bounded by one record plus one chunk. Nothing is copied until a slice spans pieces.
 */
export class ByteWindow {
  #pieces: Piece[] = [];
  #end = 0;

  /** The offset just past the last byte appended. */
  get end(): number {
    return this.#end;
  }

  append(bytes: Buffer): void {
    if (bytes.length === 0) return;
    this.#pieces.push({ start: this.#end, bytes });
    this.#end += bytes.length;
  }

  /** Forgets the pieces that end at or before `offset`. */
  dropBefore(offset: number): void {
    let count = 0;
    while (count < this.#pieces.length && this.#pieces[count].start + this.#pieces[count].bytes.length <= offset) count += 1;
    if (count > 0) this.#pieces.splice(0, count);
  }

  /** The kept bytes in [from, to), one view per piece (no copy). */
  *views(from: number, to = this.#end): Generator<Buffer> {
    for (const { start, bytes } of this.#pieces) {
      const pieceEnd = start + bytes.length;
      if (pieceEnd <= from) continue;
      if (start >= to) return;
      yield bytes.subarray(Math.max(from - start, 0), Math.min(to, pieceEnd) - start);
    }
  }

  /** The kept bytes from `offset` to the end of their piece or to `to`, whichever comes first. */
  viewAt(offset: number, to: number): Buffer {
    for (const { start, bytes } of this.#pieces) {
      if (offset < start + bytes.length) return bytes.subarray(offset - start, Math.min(to, start + bytes.length) - start);
    }
    return Buffer.alloc(0);
  }

  /** The kept bytes in [from, to) as UTF-8 text (a character cut at either end becomes U+FFFD). */
  text(from: number, to: number): string {
    return Buffer.concat([...this.views(from, to)]).toString('utf8');
  }

  /** The byte at `offset`, or undefined when it is not kept (or not there yet). */
  byteAt(offset: number): number | undefined {
    for (const { start, bytes } of this.#pieces) {
      if (offset < start + bytes.length) return offset >= start ? bytes[offset - start] : undefined;
    }
    return undefined;
  }

  /** Line breaks in [from, to): each LF, each CR LF once, and each lone CR. */
  countLineBreaks(from: number, to: number): number {
    let count = 0;
    let offset = from;
    for (const view of this.views(from, to)) {
      for (let index = 0; index < view.length; index += 1) {
        const byte = view[index];
        if (byte === LF || (byte === CR && this.byteAt(offset + index + 1) !== LF)) count += 1;
      }
      offset += view.length;
    }
    return count;
  }

  /**
   * The offset just past the first line break at or after `from`, or NOT_FOUND, or NEED_MORE
   * when that break is a CR with nothing after it yet (pass `ended` once no byte will come).
   */
  findLineEnd(from: number, ended: boolean): number {
    let offset = from;
    for (const view of this.views(from)) {
      const lf = view.indexOf(LF);
      const cr = view.indexOf(CR);
      if (cr !== -1 && (lf === -1 || cr < lf)) {
        const next = this.byteAt(offset + cr + 1);
        if (next === undefined) return ended ? offset + cr + 1 : NEED_MORE;
        return next === LF ? offset + cr + 2 : offset + cr + 1;
      }
      if (lf !== -1) return offset + lf + 1;
      offset += view.length;
    }
    return NOT_FOUND;
  }
}
