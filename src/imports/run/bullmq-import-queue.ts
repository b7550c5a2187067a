import { type Job, Queue, WaitingError, Worker } from 'bullmq';
import type { Logger } from 'pino';
import { connectRedis, REDIS_RETRY_AFTER_SECONDS, redisReady } from '../../cluster/redis-connection.js';
import { appError } from '../../errors/catalogue.js';
import type { ImportJob, ImportQueue, ImportQueueHandlers } from './import-queue.js';

export interface BullmqImportQueueOptions extends ImportQueueHandlers {
  /** FERRY_REDIS_URL; never logged. */
  redisUrl: string;
  /** FERRY_REDIS_KEY_PREFIX: the queue's keys are `<keyPrefix>bull:imports:…`. */
  keyPrefix: string;
  /**
   * FERRY_IMPORT_JOB_LEASE_MS: a running job's lock lasts this long and is renewed at half
   * of it; a job whose worker stopped renewing (it died) goes back to wait, for any instance,
   * within about two leases.
   */
  jobLeaseMs: number;
  logger: Logger;
  /** How often `onIdle` looks at the shared queue's counts. */
  idlePollMs?: number;
}

const QUEUE_NAME = 'imports';
/** How long an enqueue waits for Redis (a start, a reconnect) before REDIS_UNAVAILABLE. */
const ENQUEUE_WAIT_MS = 2000;
const JOB_NAME = 'import';

/** The states of a job that still has to run, or runs now. */
const PENDING_STATES = ['waiting', 'prioritized', 'delayed', 'active', 'waiting-children'] as const;

/**
 * Times a job whose worker died goes back to wait before BullMQ fails it. The runner gives up
 * on an import whose runs died twice (IMPORT_INTERRUPTED) before this, so BullMQ's own
 * failure is left for a worker that dies before the run even begins.
 */
const MAX_STALLED_COUNT = 3;

interface JobData {
  id: string;
}

/**
 * The import queue of a cluster, in Redis through BullMQ: any instance enqueues, the one
 * whose worker is free runs the job. The job id is the import's id (an automatic import's
 * is `upload-<uploadId>`), so a job is never queued twice while it waits or runs; finished
 * jobs are removed, their outcome is the import's record. Each instance runs one job at a
 * time (its sink writes one import at a time).
 *
 * A worker that dies stops renewing its job's lock; after `jobLeaseMs` another instance's
 * stalled-job check puts the job back to wait, and its record (still `running`) is run
 * again. `close` aborts the running job (the runner rolls it back and saves it as queued)
 * and moves it back to wait, for another instance or the next start, neither lost nor failed.
 */
export function createBullmqImportQueue({
  redisUrl,
  keyPrefix,
  handle,
  onError,
  closeReason,
  jobLeaseMs,
  logger,
  idlePollMs = 100,
}: BullmqImportQueueOptions): ImportQueue {
  const prefix = `${keyPrefix}bull`;
  // Adding a job fails at once while Redis is away; the worker's connection waits for it.
  const queueConnection = connectRedis(redisUrl, 'ferry-import-queue');
  const workerConnection = connectRedis(redisUrl, 'ferry-import-worker', { maxRetriesPerRequest: null, enableOfflineQueue: true });
  const queue = new Queue<JobData>(QUEUE_NAME, { connection: queueConnection, prefix });
  /** The job running here: its abort, and its handler's end (it never rejects). */
  let running: { controller: AbortController; handled: Promise<void> } | undefined;
  let closing: Promise<void> | undefined;

  async function process(job: Job<JobData>, token?: string): Promise<void> {
    // Taken while the worker was closing: not run here.
    if (closing !== undefined) return putBack(job, token);
    const controller = new AbortController();
    const handled = runHandler({ id: job.data.id }, controller.signal);
    running = { controller, handled };
    await handled;
    running = undefined;
    if (controller.signal.aborted) return putBack(job, token);
  }

  async function runHandler(job: ImportJob, signal: AbortSignal): Promise<void> {
    try {
      await handle(job, signal);
    } catch (error) {
      onError(error, job);
    }
  }

  /** Back to wait, neither completed nor failed, so that another worker (or the next start) runs it. */
  async function putBack(job: Job<JobData>, token: string | undefined): Promise<never> {
    // Without the lock's token the job stays active until its lock runs out, then goes back as a stalled one.
    if (token !== undefined) await job.moveToWait(token);
    throw new WaitingError();
  }

  const worker = new Worker<JobData>(QUEUE_NAME, process, {
    connection: workerConnection,
    prefix,
    concurrency: 1,
    lockDuration: jobLeaseMs,
    stalledInterval: jobLeaseMs,
    maxStalledCount: MAX_STALLED_COUNT,
  });
  worker.on('error', (error) => logger.warn({ err: error }, 'import queue worker error'));
  worker.on('failed', (job, error) => logger.error({ err: error, importId: job?.data.id }, 'import job failed in the queue'));
  queue.on('error', (error) => logger.warn({ err: error }, 'import queue error'));

  async function pendingCount(): Promise<number> {
    const counts = await queue.getJobCounts(...PENDING_STATES);
    return Object.values(counts).reduce((sum, count) => sum + count, 0);
  }

  return {
    async enqueue({ id }) {
      if (closing !== undefined) return;
      try {
        await redisReady(queueConnection, ENQUEUE_WAIT_MS);
        await queue.add(JOB_NAME, { id }, { jobId: id, removeOnComplete: true, removeOnFail: true });
      } catch (error) {
        throw appError('REDIS_UNAVAILABLE', { cause: error, details: { retryAfter: REDIS_RETRY_AFTER_SECONDS } });
      }
    },
    async onIdle() {
      while (closing === undefined && (await pendingCount()) > 0) {
        await new Promise((resolve) => setTimeout(resolve, idlePollMs));
      }
    },
    async has(id) {
      const state = await queue.getJobState(id);
      return (PENDING_STATES as readonly string[]).includes(state);
    },
    close() {
      closing ??= (async () => {
        // The worker takes no job from now on. With Redis there, it waits for the running job,
        // which moves itself back to wait once its handler has ended; with Redis away, nothing
        // would complete: the job's lock runs out and it comes back as a stalled one.
        const stopping = worker.close(workerConnection.status !== 'ready');
        running?.controller.abort(closeReason?.());
        await running?.handled;
        await stopping;
        await queue.close();
        queueConnection.disconnect();
        workerConnection.disconnect();
      })();
      return closing;
    },
  };
}
