import type { EncodingFault } from './decoded-chunk.js';

/** The encoding faults of one record: the first one's offset in the file, and how many. */
export interface FaultTally {
  byteOffset: number;
  count: number;
}

/**
 * Encoding faults waiting for the record that holds them, in stream order. Kept as two
 * number arrays (no object per fault), since a binary file can hold one per byte.
 */
export class FaultQueue {
  #decodedOffsets: number[] = [];
  #byteOffsets: number[] = [];
  /** The first fault not yet taken. */
  #next = 0;

  push(faults: readonly EncodingFault[]): void {
    for (const fault of faults) {
      this.#decodedOffsets.push(fault.decodedOffset);
      this.#byteOffsets.push(fault.byteOffset);
    }
  }

  /**
   * Takes the faults before decoded offset `end`, counting those at or after `start` into
   * `tally` (earlier ones lay in skipped lines and are dropped). Returns the tally, or
   * undefined when there is nothing in it.
   */
  take(start: number, end: number, tally?: FaultTally): FaultTally | undefined {
    let result = tally;
    while (this.#next < this.#decodedOffsets.length && this.#decodedOffsets[this.#next] < end) {
      if (this.#decodedOffsets[this.#next] >= start)
        result = result === undefined ? { byteOffset: this.#byteOffsets[this.#next], count: 1 } : { ...result, count: result.count + 1 };
      this.#next += 1;
    }
    if (this.#next > 4096 || this.#next === this.#decodedOffsets.length) {
      this.#decodedOffsets = this.#decodedOffsets.slice(this.#next);
      this.#byteOffsets = this.#byteOffsets.slice(this.#next);
      this.#next = 0;
    }
    return result;
  }
}
