import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Aggregator } from '../../src/aggregator/index.js';
import { isAppError } from '../../src/errors/app-error.js';
import { appError } from '../../src/errors/catalogue.js';
import { ControlledWrite, chunk, deferred, Overlap, observe, turns } from './harness.js';

const isClosed = (error: unknown): boolean => isAppError(error, 'AGG_CLOSED') && error.status === 503;

describe('Aggregator start, stop, restart', () => {
  test('start() is idempotent: one consumer, and isRunning says so', async () => {
    const output = new ControlledWrite();
    const aggregator = new Aggregator({ write: output.write, coalesceBytes: 0 });
    assert.equal(aggregator.isRunning, false);
    aggregator.start();
    aggregator.start();
    assert.equal(aggregator.isRunning, true);

    await aggregator.write(chunk('a'));
    await aggregator.write(chunk('b'));
    await output.waitForCalls(1);
    await turns();
    assert.equal(output.inFlight, 1);
    output.release();
    await output.waitForCalls(2);
    output.release();
    await aggregator.flush();
    assert.equal(output.overlap.max, 1);
    await aggregator.close();
  });

  test('stop() pauses after the in-flight write; writers fill the queue; flush waits for start()', async () => {
    const output = new ControlledWrite();
    const aggregator = new Aggregator({ write: output.write, queueCapacity: 2, coalesceBytes: 0 });
    aggregator.start();
    await aggregator.write(chunk('a'));
    await output.waitForCalls(1);
    await aggregator.write(chunk('b'));

    const stopped = observe(aggregator.stop());
    assert.equal(aggregator.isRunning, false);
    await turns();
    assert.equal(stopped.state, 'pending', 'stop waits for the write in flight');
    output.release();
    await turns();
    assert.equal(stopped.state, 'fulfilled');
    assert.equal(output.calls.length, 1, 'the queued chunk is not written while stopped');
    assert.equal(aggregator.stats().queuedItems, 1);

    await aggregator.write(chunk('c'));
    const waiting = observe(aggregator.write(chunk('d')));
    const flushed = observe(aggregator.flush());
    await turns();
    assert.equal(waiting.state, 'pending');
    assert.equal(flushed.state, 'pending');
    assert.equal(output.calls.length, 1);

    aggregator.start();
    for (const count of [2, 3, 4]) {
      await output.waitForCalls(count);
      output.release();
    }
    await aggregator.flush();
    assert.equal(flushed.state, 'fulfilled');
    assert.equal(waiting.state, 'fulfilled');
    assert.equal(output.text, 'abcd');
    await aggregator.close();
  });

  test('stop() on an idle or never-started aggregator resolves at once', async () => {
    const aggregator = new Aggregator({ write: () => undefined });
    await aggregator.stop();
    aggregator.start();
    await aggregator.stop();
    await aggregator.stop();
    assert.equal(aggregator.isRunning, false);
  });

  test('start() right after an unawaited stop() keeps one consumer', async () => {
    const overlap = new Overlap();
    const output = new ControlledWrite({ overlap });
    const aggregator = new Aggregator({ write: output.write, coalesceBytes: 0 });
    aggregator.start();
    await aggregator.write(chunk('a'));
    await output.waitForCalls(1);

    const stopped = aggregator.stop();
    aggregator.start();
    await aggregator.write(chunk('b'));
    await turns();
    assert.equal(output.calls.length, 1);
    output.release();
    await stopped;
    await output.waitForCalls(2);
    output.release();
    await aggregator.flush();
    assert.equal(output.text, 'ab');
    assert.equal(overlap.max, 1);
    await aggregator.close();
  });

  test('uptime counts from the last start() and is 0 when not running; restart() resets it', async (t) => {
    t.mock.timers.enable({ apis: ['Date'], now: 1_000 });
    const output = new ControlledWrite({ gated: false });
    const aggregator = new Aggregator({ write: output.write });
    assert.equal(aggregator.uptime, 0);

    aggregator.start();
    t.mock.timers.tick(1_500);
    assert.equal(aggregator.uptime, 1_500);

    await aggregator.restart();
    assert.equal(aggregator.isRunning, true);
    assert.equal(aggregator.uptime, 0);
    t.mock.timers.tick(200);
    assert.equal(aggregator.uptime, 200);
    await aggregator.write(chunk('after restart'));
    await aggregator.flush();
    assert.equal(output.text, 'after restart');

    await aggregator.stop();
    assert.equal(aggregator.uptime, 0);
    await aggregator.close();
  });
});

describe('Aggregator discard', () => {
  test('lets the write in flight return, drops the queue unwritten, rejects waiters and flushes, runs no onSync', async () => {
    let syncs = 0;
    const output = new ControlledWrite();
    const aggregator = new Aggregator({
      write: output.write,
      queueCapacity: 2,
      coalesceBytes: 0,
      onSync: () => {
        syncs += 1;
      },
    });
    aggregator.start();
    await aggregator.write(chunk('a'));
    await aggregator.write(chunk('b'));
    const waiting = observe(aggregator.write(chunk('c')));
    const flushed = observe(aggregator.flush());
    await output.waitForCalls(1);

    const lost = appError('LOCK_LOST');
    const discarded = observe(aggregator.discard(lost));
    assert.equal(aggregator.close(), aggregator.discard(lost), 'close() and discard() share one promise');
    await turns();
    assert.equal(waiting.state, 'rejected');
    assert.equal(waiting.error, lost);
    assert.equal(discarded.state, 'pending', 'the write in flight is waited for');
    output.release();
    await turns();
    assert.equal(discarded.state, 'fulfilled');
    assert.equal(flushed.state, 'rejected');
    assert.equal(flushed.error, lost);
    assert.equal(output.text, 'a');
    assert.equal(syncs, 0);
    assert.deepEqual({ queuedItems: aggregator.stats().queuedItems, bytesQueued: aggregator.stats().bytesQueued }, { queuedItems: 0, bytesQueued: 0 });
    await assert.rejects(aggregator.write(chunk('late')), isClosed);
  });

  test('after close() began draining, drops what it has not written yet', async () => {
    const output = new ControlledWrite();
    const aggregator = new Aggregator({ write: output.write, coalesceBytes: 0 });
    aggregator.start();
    for (const text of ['a', 'b', 'c']) await aggregator.write(chunk(text));
    const closed = aggregator.close();
    await output.waitForCalls(1);
    const discarded = aggregator.discard(appError('LOCK_LOST'));
    output.release();
    await Promise.all([closed, discarded]);
    assert.equal(output.text, 'a');
  });
});

describe('Aggregator close', () => {
  test('drains accepted chunks, then runs a final onSync, and refuses new writes at once', async () => {
    const events: string[] = [];
    const output = new ControlledWrite();
    const aggregator = new Aggregator({
      coalesceBytes: 0,
      write: async (data) => {
        await output.write(data);
        events.push(`write ${data.toString()}`);
      },
      onSync: () => void events.push('sync'),
    });
    aggregator.start();
    for (const text of ['a', 'b', 'c']) await aggregator.write(chunk(text));

    const closed = observe(aggregator.close());
    assert.equal(aggregator.isRunning, false);
    await assert.rejects(aggregator.write(chunk('late')), isClosed);
    for (const count of [1, 2, 3]) {
      await output.waitForCalls(count);
      assert.equal(closed.state, 'pending');
      output.release();
    }
    await turns();
    assert.equal(closed.state, 'fulfilled');
    assert.deepEqual(events, ['write a', 'write b', 'write c', 'sync']);
    assert.equal(aggregator.stats().syncs, 1);
  });

  test('rejects writers waiting on a full queue with AGG_CLOSED; their chunks are not written', async () => {
    const output = new ControlledWrite();
    const aggregator = new Aggregator({ write: output.write, queueCapacity: 1 });
    aggregator.start();
    await aggregator.write(chunk('a'));
    const waiting = [observe(aggregator.write(chunk('b'))), observe(aggregator.write(chunk('c')))];
    await output.waitForCalls(1);

    const closed = aggregator.close();
    await turns();
    for (const writer of waiting) {
      assert.equal(writer.state, 'rejected');
      assert.ok(isClosed(writer.error));
    }
    assert.equal(aggregator.stats().waitingWriters, 0);
    assert.equal(aggregator.stats().bytesWaiting, 0);
    output.release();
    await closed;
    assert.equal(output.text, 'a');
  });

  test('drains an aggregator that was never started', async () => {
    let syncs = 0;
    const output = new ControlledWrite({ gated: false });
    const aggregator = new Aggregator({
      write: output.write,
      onSync: () => {
        syncs += 1;
      },
    });
    await aggregator.write(chunk('queued '));
    await aggregator.write(chunk('while stopped'));

    await aggregator.close();
    assert.equal(output.text, 'queued while stopped');
    assert.equal(syncs, 1);
    assert.equal(aggregator.isRunning, false);
  });

  test('is idempotent and final: same promise, one final sync, no restart, no sync()', async () => {
    let syncs = 0;
    const output = new ControlledWrite({ gated: false });
    const aggregator = new Aggregator({
      write: output.write,
      onSync: () => {
        syncs += 1;
      },
    });
    aggregator.start();

    const first = aggregator.close();
    assert.equal(aggregator.close(), first);
    await first;
    await aggregator.close();
    assert.equal(syncs, 1);

    aggregator.start();
    assert.equal(aggregator.isRunning, false);
    await aggregator.restart();
    assert.equal(aggregator.isRunning, false);
    await assert.rejects(aggregator.write(chunk('x')), isClosed);
    await assert.rejects(aggregator.sync(), isClosed);
    await aggregator.flush();
    assert.equal(output.calls.length, 0);
  });

  test('stops the timers and waits for ticks still running', async (t) => {
    t.mock.timers.enable({ apis: ['setInterval'] });
    const tickGate = deferred();
    let ticks = 0;
    let syncs = 0;
    const aggregator = new Aggregator({
      write: () => undefined,
      onSync: () => {
        syncs += 1;
      },
      syncIntervalMs: 10,
      onTick: () => {
        ticks += 1;
        return tickGate.promise;
      },
      tickIntervalMs: 10,
      tickMaxConcurrent: 5,
    });
    aggregator.start();
    t.mock.timers.tick(10);
    await turns();
    assert.deepEqual({ ticks, syncs }, { ticks: 1, syncs: 1 });

    const closed = observe(aggregator.close());
    t.mock.timers.tick(100);
    await turns();
    assert.equal(closed.state, 'pending', 'close waits for the running tick');
    assert.deepEqual({ ticks, syncs }, { ticks: 1, syncs: 2 }, 'only the final sync ran');
    tickGate.resolve();
    await turns();
    assert.equal(closed.state, 'fulfilled');
  });

  test('rejects with AGG_WRITE_FAILED when a drained write fails; the final onSync still runs', async () => {
    let syncs = 0;
    const output = new ControlledWrite();
    const aggregator = new Aggregator({
      write: output.write,
      coalesceBytes: 0,
      onSync: () => {
        syncs += 1;
      },
    });
    aggregator.start();
    await aggregator.write(chunk('a'));
    await aggregator.write(chunk('b'));
    await output.waitForCalls(1);

    const closed = aggregator.close();
    const failure = new Error('EIO');
    output.fail(failure);
    await assert.rejects(closed, (error: unknown) => isAppError(error, 'AGG_WRITE_FAILED') && error.cause === failure);
    assert.equal(output.calls.length, 1, "'b' was discarded");
    assert.equal(syncs, 1);
  });

  test('rejects with the error of the final onSync', async () => {
    const aggregator = new Aggregator({
      write: () => undefined,
      onSync: () => Promise.reject(new Error('fsync failed')),
    });
    aggregator.start();
    await aggregator.write(chunk('a'));
    await assert.rejects(aggregator.close(), { message: 'fsync failed' });
    assert.equal(aggregator.lastError?.message, 'fsync failed');
  });

  const fixture = fileURLToPath(new URL('fixtures/idle-exit.ts', import.meta.url));
  for (const mode of ['running', 'stopped', 'closed']) {
    test(`an idle ${mode} aggregator with timers lets the process exit`, { timeout: 30_000 }, async () => {
      const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', fixture, mode]);
      assert.equal(stdout, `idle ${mode}\n`);
    });
  }
});
