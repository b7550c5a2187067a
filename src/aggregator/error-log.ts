/** Turns anything thrown into an Error; a thrown non-Error is kept as the cause. */
export function toError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value), { cause: value });
}

/**
 * The aggregator's error record: the last error, the newest `capacity` errors, and the
 * `onError` listener. A listener that throws or rejects is itself recorded (it is not
 * told of its own failure), so nothing escapes into the consumer.
 */
export class ErrorLog {
  readonly #capacity: number;
  readonly #onError: ((error: Error) => void) | undefined;
  readonly #errors: Error[] = [];
  #last: Error | undefined;

  constructor(capacity: number, onError?: (error: Error) => void) {
    this.#capacity = capacity;
    this.#onError = onError;
  }

  get last(): Error | undefined {
    return this.#last;
  }

  /** A copy, oldest first. */
  list(): Error[] {
    return [...this.#errors];
  }

  record(error: Error): void {
    this.#keep(error);
    if (this.#onError === undefined) return;
    try {
      // Typed as returning void, but an async listener is assignable to it.
      const result: unknown = this.#onError(error);
      if (result instanceof Promise) result.catch((listenerError: unknown) => this.#keep(toError(listenerError)));
    } catch (listenerError) {
      this.#keep(toError(listenerError));
    }
  }

  #keep(error: Error): void {
    this.#last = error;
    if (this.#capacity === 0) return;
    this.#errors.push(error);
    if (this.#errors.length > this.#capacity) this.#errors.shift();
  }
}
