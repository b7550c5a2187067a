import { isAppError } from '../../errors/app-error.js';
import { appError } from '../../errors/catalogue.js';
import type { AppendOutcome, BodyRequest, PrepareAppend } from '../../uploads/append.js';
import { isFinished, type Upload } from '../../uploads/upload.js';
import { inconsistentLength } from './ietf-headers.js';
import type { IetfHandlerOptions } from './ietf-upload.js';

const NO_BODY: AsyncIterable<Uint8Array> = { async *[Symbol.asyncIterator]() {} };

export interface TransferOptions {
  /** Upload-Complete of the request: `?1` says its content ends the representation. */
  complete: boolean;
  /** A creation of a zero-length upload: complete from the moment it exists. */
  createdEmpty?: boolean;
  /** Decides, under the upload's lock, where the body goes (and records the length). */
  prepare: PrepareAppend;
  respond: (upload: Upload) => Response;
}

/** The body path creation and append share: tus's appender, plus how an IETF upload completes. */
export interface IetfTransfer {
  run(request: BodyRequest, id: string, options: TransferOptions): Promise<Response>;
}

/**
 * The store counts an upload finished when its offset reaches its length, and then fsyncs
 * it, and the engine finishes it (the `finished` event), exactly as for tus. IETF completeness
 * maps onto that: `Upload-Complete: ?1` with a known length records that length before the
 * body is read; without one (a chunked body and no Upload-Length) the length becomes the
 * offset the body reached. A body that reaches a recorded length completes the upload even
 * under `Upload-Complete: ?0`: the server marks it complete, as the editor's copy allows
 * ("explicitly marked as completed by the client or the server").
 */
export function createIetfTransfer({ engine }: IetfHandlerOptions): IetfTransfer {
  const { store } = engine;

  /** `Upload-Complete: ?1` and the whole body is in: its end is the end of the representation. */
  async function completeAtOffset(request: BodyRequest, upload: Upload): Promise<AppendOutcome> {
    // A recorded length not reached: the content was shorter than the length indicated.
    if (upload.size !== undefined) {
      return { upload, finishedNow: false, error: inconsistentLength('Upload-Complete: ?1, but the content ended before the upload length.') };
    }
    const outcome = await engine.append({ signal: request.signal, principal: request.principal, body: NO_BODY }, upload.id, async (current) => {
      if (current.offset !== upload.offset) throw appError('UPLOAD_OFFSET_MISMATCH', { details: { offset: current.offset } });
      await store.declareUploadLength(upload.id, current.offset);
      // `current` was read before the length was recorded, so the empty append below (which
      // fsyncs) reports the upload as finished now: it is finished exactly once.
      return { upload: current, offset: current.offset, maxBytes: 0 };
    });
    if (outcome.finishedNow) outcome.upload.size = outcome.upload.offset;
    return outcome;
  }

  return {
    async run(request, id, { complete, createdEmpty = false, prepare, respond }) {
      let outcome = await engine.append(request, id, prepare);
      outcome = { ...outcome, finishedNow: outcome.finishedNow || (createdEmpty && isFinished(outcome.upload)) };
      // Draft -05: content beyond the final size is rejected "with a 400 (Bad Request) status
      // code" (the store kept exactly up to the length); tus answers that with 413.
      if (isAppError(outcome.error, 'UPLOAD_LENGTH_EXCEEDED')) outcome.error = inconsistentLength('The content goes beyond the upload length.');
      if (outcome.error === undefined && complete && !isFinished(outcome.upload)) outcome = await completeAtOffset(request, outcome.upload);
      return engine.settle(outcome, respond);
    },
  };
}
