import type { UploadEvents } from './events.js';
import type { UploadStore } from './upload-store.js';

export interface ExpirySweepOptions {
  store: Pick<UploadStore, 'deleteExpired'>;
  events: UploadEvents;
  intervalMs: number;
  /** Whether this instance sweeps (in a cluster, only the leader does); default: always. */
  isLeader?: () => boolean;
  /** A sweep that ran, with how many uploads it deleted. */
  onSwept?: (deleted: number) => void;
  /** A sweep that failed (the next one tries again). */
  onError: (error: unknown) => void;
}

/**
 * Deletes expired unfinished uploads every `intervalMs`, never two sweeps at once and only
 * while `isLeader()` (a tick elsewhere does nothing), and announces `expired` when it deleted
 * some. Returns the stop function.
 */
export function startExpirySweep({ store, events, intervalMs, isLeader = () => true, onSwept, onError }: ExpirySweepOptions): () => void {
  let sweeping = false;
  const timer = setInterval(() => {
    if (sweeping || !isLeader()) return;
    sweeping = true;
    store
      .deleteExpired()
      .then(async (deleted) => {
        if (deleted > 0) await events.emit('expired', deleted);
        onSwept?.(deleted);
      })
      .catch(onError)
      .finally(() => {
        sweeping = false;
      });
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
