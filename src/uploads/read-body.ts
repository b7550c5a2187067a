import type { AppError } from '../errors/app-error.js';
import { appError } from '../errors/catalogue.js';

export interface ReadBodyOptions {
  /** Ends the body early (the bytes read so far still count): another request wants the lock. */
  stop: AbortSignal;
  onBytesReceived?: (bytes: number) => void;
}

/** A request body as the store reads it, remembering whether the client failed it. */
export interface BodySource extends AsyncIterable<Uint8Array> {
  /** Set when reading the body failed (client disconnect): UPLOAD_ABORTED with the cause. */
  readonly failure: AppError | undefined;
}

const END: IteratorReturnResult<undefined> = { done: true, value: undefined };

/**
 * Wraps a request body for the store: counts bytes, turns a read failure into
 * UPLOAD_ABORTED, and ends the body when `stop` fires even if the client has stalled
 * (each read waits on the data or the stop, whichever comes first). Breaking out of the
 * iteration leaves the underlying stream open, so a response can still be sent.
 */
export function readBody(body: AsyncIterable<Uint8Array>, { stop, onBytesReceived }: ReadBodyOptions): BodySource {
  let failure: AppError | undefined;
  let wake: ((result: IteratorResult<Uint8Array>) => void) | undefined;
  stop.addEventListener('abort', () => wake?.(END), { once: true });

  async function* chunks(): AsyncGenerator<Uint8Array, void, undefined> {
    const iterator = body[Symbol.asyncIterator]();
    try {
      while (!stop.aborted) {
        let next: IteratorResult<Uint8Array>;
        try {
          next = await new Promise<IteratorResult<Uint8Array>>((resolve, reject) => {
            wake = resolve;
            iterator.next().then(resolve, reject);
          });
        } catch (error) {
          failure = appError('UPLOAD_ABORTED', { cause: error });
          throw failure;
        }
        if (next.done) return;
        onBytesReceived?.(next.value.byteLength);
        yield next.value;
      }
    } finally {
      // Not awaited: a Node stream iterator with a read pending returns only once that read settles.
      iterator.return?.()?.catch(() => undefined);
    }
  }

  return {
    [Symbol.asyncIterator]: chunks,
    get failure() {
      return failure;
    },
  };
}
