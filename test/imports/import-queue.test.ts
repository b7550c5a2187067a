import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createInProcessImportQueue, type ImportJob, type ImportJobHandler, type ImportQueue } from '../../src/imports/index.js';

/** Holds a job until the test lets it finish, or until its signal aborts (then the job rejects with the reason). */
interface Gate {
  /** Resolves with the job's signal once the job waits on the gate. */
  started: Promise<AbortSignal>;
  finish(): void;
  /** Called by the job. */
  open(signal: AbortSignal): Promise<void>;
}

/**
 * A queue whose handler records what it does: `log` gets `start <id>` and `end <id>`;
 * a job with a gate waits for it; a job named in `failing` throws.
 */
function recordingQueue(options: { gates?: Map<string, Gate>; failing?: Set<string> } = {}) {
  const log: string[] = [];
  const errors: { error: unknown; job: ImportJob }[] = [];
  let running = 0;
  let mostAtOnce = 0;
  const handle: ImportJobHandler = async (job, signal) => {
    running += 1;
    mostAtOnce = Math.max(mostAtOnce, running);
    log.push(`start ${job.id}`);
    try {
      await options.gates?.get(job.id)?.open(signal);
      // Let other work run in between, as a real import does.
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (options.failing?.has(job.id)) throw new Error(`job ${job.id} failed`);
      log.push(`end ${job.id}`);
    } finally {
      running -= 1;
    }
  };
  const queue = createInProcessImportQueue({ handle, onError: (error, job) => errors.push({ error, job }), closeReason: () => new Error('closing') });
  return { queue, log, errors, mostAtOnce: () => mostAtOnce };
}

function createGate(): Gate {
  let markStarted!: (signal: AbortSignal) => void;
  let release!: () => void;
  const started = new Promise<AbortSignal>((resolve) => {
    markStarted = resolve;
  });
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  return {
    started,
    finish: () => release(),
    open(signal) {
      markStarted(signal);
      return new Promise<void>((resolve, reject) => {
        signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true });
        void released.then(resolve);
      });
    },
  };
}

async function enqueueAll(queue: ImportQueue, ids: string[]): Promise<void> {
  for (const id of ids) await queue.enqueue({ id });
}

describe('the in-process import queue', () => {
  test('runs jobs in the order they came, one at a time', async () => {
    const { queue, log, mostAtOnce } = recordingQueue();
    await enqueueAll(queue, ['a', 'b', 'c']);
    await queue.onIdle();
    assert.deepEqual(log, ['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
    assert.equal(mostAtOnce(), 1);
  });

  test('a job enqueued while another runs waits for it', async () => {
    const gate = createGate();
    const { queue, log, mostAtOnce } = recordingQueue({ gates: new Map([['a', gate]]) });
    await queue.enqueue({ id: 'a' });
    await gate.started;
    await queue.enqueue({ id: 'b' });
    assert.deepEqual(log, ['start a']);
    gate.finish();
    await queue.onIdle();
    assert.deepEqual(log, ['start a', 'end a', 'start b', 'end b']);
    assert.equal(mostAtOnce(), 1);
  });

  test('a job that throws is reported, and the queue goes on with the next', async () => {
    const { queue, log, errors } = recordingQueue({ failing: new Set(['b']) });
    await enqueueAll(queue, ['a', 'b', 'c']);
    await queue.onIdle();
    assert.deepEqual(log, ['start a', 'end a', 'start b', 'start c', 'end c']);
    assert.deepEqual(
      errors.map(({ error, job }) => [job.id, (error as Error).message]),
      [['b', 'job b failed']],
    );
  });

  test('a job whose id is waiting or running is not added again', async () => {
    const gate = createGate();
    const { queue, log } = recordingQueue({ gates: new Map([['a', gate]]) });
    await queue.enqueue({ id: 'a' });
    await gate.started;
    await enqueueAll(queue, ['a', 'b', 'b']);
    gate.finish();
    await queue.onIdle();
    assert.deepEqual(log, ['start a', 'end a', 'start b', 'end b']);
    await queue.enqueue({ id: 'a' });
    await queue.onIdle();
    assert.deepEqual(log.slice(4), ['start a', 'end a'], 'once it has run, the same id may run again');
  });

  test('close aborts the running job with the close reason, waits for it, and drops the waiting ones', async () => {
    const gate = createGate();
    const { queue, log, errors } = recordingQueue({ gates: new Map([['a', gate]]) });
    await enqueueAll(queue, ['a', 'b']);
    const signal = await gate.started;
    await queue.close();
    assert.equal(signal.aborted, true);
    assert.equal((signal.reason as Error).message, 'closing');
    assert.deepEqual(log, ['start a'], 'b never started');
    assert.deepEqual(
      errors.map(({ job }) => job.id),
      ['a'],
      'the aborted job rejected with the reason',
    );

    await queue.enqueue({ id: 'c' });
    await queue.onIdle();
    assert.deepEqual(log, ['start a'], 'nothing runs after close');
  });

  test('onIdle resolves at once when nothing is queued, and close of an idle queue too', async () => {
    const { queue, log } = recordingQueue();
    await queue.onIdle();
    await queue.close();
    assert.deepEqual(log, []);
  });
});
