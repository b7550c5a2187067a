import type { UploadEvents } from './events.js';
import type { UploadStore } from './upload-store.js';

export interface ExpirySweepOptions {
  store: Pick<UploadStore, 'deleteExpired'>;
  events: UploadEvents;
  intervalMs: number;
  /** A sweep that failed (the next one tries again). */
  onError: (error: unknown) => void;
}

/**
 * Deletes expired unfinished uploads every `intervalMs`, never two sweeps at once, and
 * announces `expired` when it deleted some. Returns the stop function.
 */
export function startExpirySweep({ store, events, intervalMs, onError }: ExpirySweepOptions): () => void {
  let sweeping = false;
  const timer = setInterval(() => {
    if (sweeping) return;
    sweeping = true;
    store
      .deleteExpired()
      .then(async (deleted) => {
        if (deleted > 0) await events.emit('expired', deleted);
      })
      .catch(onError)
      .finally(() => {
        sweeping = false;
      });
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
