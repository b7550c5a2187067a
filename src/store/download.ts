import type { FileHandle } from 'node:fs/promises';
import { appError } from '../errors/catalogue.js';
import { toStoreError } from './store-errors.js';
import type { ByteRange } from './types.js';

/** Bytes read per pull: large enough for few syscalls, small enough to keep memory flat. */
const READ_CHUNK_BYTES = 256 * 1024;

/**
 * The inclusive range to serve out of a file of `size` bytes: everything without `range`;
 * `end` is clamped to the last byte. A start outside the file or an end before the start
 * is HTTP_RANGE_NOT_SATISFIABLE. (Suffix ranges are the HTTP layer's to turn into a start.)
 */
export function resolveByteRange(size: number, range?: ByteRange): { start: number; end: number } {
  if (range === undefined) return { start: 0, end: size - 1 };
  const { start, end = size - 1 } = range;
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || start >= size || end < start) {
    throw appError('HTTP_RANGE_NOT_SATISFIABLE', { details: { size } });
  }
  return { start, end: Math.min(end, size - 1) };
}

/**
 * A pull-based web stream of the bytes `start` (inclusive) to `end` (exclusive) of an open
 * file; it owns `handle`. Each pull reads into a fresh buffer, so nothing handed out is ever
 * reused. The handle closes once, whichever comes first: the end, a read error, or
 * `cancel()`; after a cancel the controller is never touched again, so a read that was in
 * flight cannot hit a closed stream (the `ERR_INVALID_STATE` crash of `Readable.toWeb`).
 */
export function createFileReadStream(handle: FileHandle, start: number, end: number, uploadId: string): ReadableStream<Uint8Array> {
  let position = start;
  let cancelled = false;
  let closing: Promise<void> | undefined;
  // A read-only handle holds no data to lose, so a failed close is not worth a reader's error.
  const closeHandle = (): Promise<void> => (closing ??= handle.close().catch(() => undefined));

  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const length = Math.min(READ_CHUNK_BYTES, end - position);
        if (length <= 0) {
          await closeHandle();
          if (!cancelled) controller.close();
          return;
        }
        const buffer = Buffer.allocUnsafe(length);
        let bytesRead: number;
        try {
          ({ bytesRead } = await handle.read(buffer, 0, length, position));
        } catch (error) {
          await closeHandle();
          if (!cancelled) controller.error(toStoreError(error, uploadId));
          return;
        }
        if (cancelled) return;
        if (bytesRead === 0) {
          await closeHandle();
          controller.error(appError('UPLOAD_STORE_FAILED', { message: 'The file is shorter than the upload.', details: { uploadId } }));
          return;
        }
        position += bytesRead;
        controller.enqueue(bytesRead === length ? buffer : buffer.subarray(0, bytesRead));
        if (position >= end) {
          await closeHandle();
          if (!cancelled) controller.close();
        }
      },
      cancel() {
        cancelled = true;
        return closeHandle();
      },
    },
    { highWaterMark: 0 },
  );
}
