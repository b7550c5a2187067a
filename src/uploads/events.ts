import type { Upload } from './upload.js';

/** What happens to uploads, whatever protocol asked for it. */
export interface UploadEventMap {
  created: Upload;
  /** A request stored bytes (once per request, not per chunk). */
  progress: Upload;
  /**
   * The upload reached its length and is fsynced; listeners run in order and are awaited
   * before the request that finished it is answered. Partial uploads finish too.
   */
  finished: Upload;
  /** Deleted at a client's request (tus termination, IETF cancellation); the upload's id. */
  terminated: string;
  /** The expiry sweep deleted this many expired uploads (only sent when it deleted some). */
  expired: number;
}

export type UploadEventName = keyof UploadEventMap;

export type UploadEventListener<K extends UploadEventName> = (payload: UploadEventMap[K]) => void | Promise<void>;

export interface UploadEvents {
  /** Adds a listener; returns the function that removes it. */
  on<K extends UploadEventName>(event: K, listener: UploadEventListener<K>): () => void;
  /**
   * Calls the listeners in the order they were added, each after the previous one settled;
   * rejects with the first failure. Costs no promise when no listener returns one.
   */
  emit<K extends UploadEventName>(event: K, payload: UploadEventMap[K]): Promise<void> | undefined;
}

export function createUploadEvents(): UploadEvents {
  const listeners = new Map<UploadEventName, Array<UploadEventListener<never>>>();

  async function continueFrom<K extends UploadEventName>(
    pending: Promise<void>,
    rest: Array<UploadEventListener<K>>,
    payload: UploadEventMap[K],
  ): Promise<void> {
    await pending;
    for (const listener of rest) await listener(payload);
  }

  return {
    on(event, listener) {
      const list = listeners.get(event) ?? [];
      list.push(listener as UploadEventListener<never>);
      listeners.set(event, list);
      return () => {
        const index = list.indexOf(listener as UploadEventListener<never>);
        if (index !== -1) list.splice(index, 1);
      };
    },
    emit(event, payload) {
      const list = [...(listeners.get(event) ?? [])] as Array<UploadEventListener<typeof event>>;
      for (const [index, listener] of list.entries()) {
        const result = listener(payload);
        if (result !== undefined) return continueFrom(result, list.slice(index + 1), payload);
      }
      return undefined;
    },
  };
}
