/**
 * One job of the import queue. Its id is the import's id: a job carries no state of its
 * own, the import's record (on disk) does, so a job is all a distributed queue (BullMQ,
 * pg-boss) has to hold. An automatic import's id, `upload-<uploadId>`, comes from its
 * upload, so the same upload never queues two jobs.
 */
export interface ImportJob {
  id: string;
}

/**
 * Runs one job. The signal aborts when the queue closes; the job must then stop soon
 * and leave its import to be run again at the next start.
 */
export type ImportJobHandler = (job: ImportJob, signal: AbortSignal) => Promise<void>;

/**
 * Where imports wait for their turn. The interface is kept this narrow so that a job
 * queue shared by a cluster can stand behind it; the handler that runs a job is given to
 * the queue's factory and is no part of it.
 */
export interface ImportQueue {
  /**
   * Adds the job at the end. A job whose id is waiting or running already is not added
   * again; after `close`, nothing is added (the import's record still says it is queued,
   * so the next start finds it).
   */
  enqueue(job: ImportJob): Promise<void>;
  /** Resolves once no job is waiting or running. */
  onIdle(): Promise<void>;
  /**
   * Starts no more jobs, aborts the running one and waits for it to end. The waiting ones
   * are dropped (a shared queue keeps them, and the aborted one, for other instances).
   */
  close(): Promise<void>;
  /**
   * Only on a queue shared by several processes: true while the job waits or runs on any
   * of them. Records held live then tell only what runs in this process.
   */
  has?(id: string): Promise<boolean>;
}

/** What the import service gives a queue: how to run a job, and what to do when that throws. */
export interface ImportQueueHandlers {
  handle: ImportJobHandler;
  /** A handler that threw; the queue goes on with the next job. */
  onError: (error: unknown, job: ImportJob) => void;
  /** The reason the running job's signal aborts with when the queue closes. */
  closeReason?: () => unknown;
}

/** Makes the import service's queue, given its handlers: the in-process queue by default. */
export type ImportQueueFactory = (handlers: ImportQueueHandlers) => ImportQueue;

export type InProcessImportQueueOptions = ImportQueueHandlers;

/** The queue of one process: jobs run one at a time (SQLite has one writer), in the order they came. */
export function createInProcessImportQueue({ handle, onError, closeReason }: InProcessImportQueueOptions): ImportQueue {
  const waiting: ImportJob[] = [];
  let running: { job: ImportJob; controller: AbortController } | undefined;
  let working: Promise<void> | undefined;
  let closed = false;

  function isKnown(id: string): boolean {
    return running?.job.id === id || waiting.some((job) => job.id === id);
  }

  async function work(): Promise<void> {
    for (let job = waiting.shift(); job !== undefined && !closed; job = waiting.shift()) {
      const controller = new AbortController();
      running = { job, controller };
      try {
        await handle(job, controller.signal);
      } catch (error) {
        onError(error, job);
      } finally {
        running = undefined;
      }
    }
  }

  function start(): void {
    working ??= work().finally(() => {
      working = undefined;
      // A job enqueued while the loop was ending has no loop yet.
      if (waiting.length > 0 && !closed) start();
    });
  }

  return {
    async enqueue(job) {
      if (closed || isKnown(job.id)) return;
      waiting.push({ id: job.id });
      start();
    },
    async onIdle() {
      while (working !== undefined) await working;
    },
    async close() {
      closed = true;
      waiting.length = 0;
      running?.controller.abort(closeReason?.());
      await working;
    },
  };
}
