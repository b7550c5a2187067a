/**
 * Test doubles for the aggregator: a write function the test releases call by call, an
 * overlap detector shared by write and onSync, and promise observation without sleeps.
 */

/** Counts how many guarded sections run at once, across every function that uses it. */
export class Overlap {
  active = 0;
  max = 0;

  async guard<T>(section: () => Promise<T>): Promise<T> {
    this.active += 1;
    this.max = Math.max(this.max, this.active);
    try {
      return await section();
    } finally {
      this.active -= 1;
    }
  }
}

interface PendingCall {
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * An `options.write` double. Every call is recorded (as a copy). When `gated`, a call
 * stays in flight until the test calls `release()` or `fail()`; otherwise it returns on
 * the next event-loop turn, so calls still span time. `waitForCalls(n)` resolves when
 * the n-th call has started.
 */
export class ControlledWrite {
  readonly calls: Buffer[] = [];
  readonly overlap: Overlap;
  gated: boolean;
  readonly #pending: PendingCall[] = [];
  readonly #callWaiters: { count: number; resolve: () => void }[] = [];

  constructor(options: { gated?: boolean; overlap?: Overlap } = {}) {
    this.gated = options.gated ?? true;
    this.overlap = options.overlap ?? new Overlap();
  }

  readonly write = (data: Buffer): Promise<void> =>
    this.overlap.guard(async () => {
      this.calls.push(Buffer.from(data));
      for (const waiter of this.#callWaiters.filter((entry) => entry.count <= this.calls.length)) {
        this.#callWaiters.splice(this.#callWaiters.indexOf(waiter), 1);
        waiter.resolve();
      }
      if (!this.gated) return turns(1);
      await new Promise<void>((resolve, reject) => this.#pending.push({ resolve, reject }));
    });

  /** How many calls are waiting to be released. */
  get inFlight(): number {
    return this.#pending.length;
  }

  /** All calls' bytes, concatenated in call order, as a string. */
  get text(): string {
    return Buffer.concat(this.calls).toString();
  }

  /** Lets the oldest in-flight call return. */
  release(): void {
    this.#take().resolve();
  }

  /** Makes the oldest in-flight call throw `error`. */
  fail(error: unknown): void {
    this.#take().reject(error);
  }

  waitForCalls(count: number): Promise<void> {
    if (this.calls.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.#callWaiters.push({ count, resolve }));
  }

  #take(): PendingCall {
    const call = this.#pending.shift();
    if (call === undefined) throw new Error('No write call is in flight.');
    return call;
  }
}

/** A promise whose resolution the test controls. */
export function deferred(): { promise: Promise<void>; resolve: () => void; reject: (error: unknown) => void } {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

export interface Observed {
  state: 'pending' | 'fulfilled' | 'rejected';
  error: unknown;
}

/** Tracks a promise's state so a test can assert "still pending" (and marks it handled). */
export function observe(promise: Promise<unknown>): Observed {
  const observed: Observed = { state: 'pending', error: undefined };
  promise.then(
    () => (observed.state = 'fulfilled'),
    (error: unknown) => {
      observed.state = 'rejected';
      observed.error = error;
    },
  );
  return observed;
}

/** Lets pending promise callbacks and I/O callbacks run: `count` turns of the event loop. */
export async function turns(count = 5): Promise<void> {
  for (let turn = 0; turn < count; turn += 1) await new Promise<void>((resolve) => setImmediate(resolve));
}

export function chunk(text: string): Buffer {
  return Buffer.from(text);
}
