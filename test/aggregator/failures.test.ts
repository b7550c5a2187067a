import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Aggregator } from '../../src/aggregator/index.js';
import { isAppError } from '../../src/errors/app-error.js';
import { ControlledWrite, chunk, observe, turns } from './harness.js';

function isWriteFailed(cause: unknown): (error: unknown) => boolean {
  return (error) => isAppError(error, 'AGG_WRITE_FAILED') && error.status === 500 && error.cause === cause;
}

describe('Aggregator write failures', () => {
  test('an error mid-stream discards the queue, rejects waiters and the pending flush', async () => {
    const output = new ControlledWrite();
    const told: Error[] = [];
    const aggregator = new Aggregator({
      write: output.write,
      queueCapacity: 3,
      coalesceBytes: 0,
      onError: (error) => told.push(error),
    });
    aggregator.start();

    await aggregator.write(chunk('a'));
    await aggregator.write(chunk('b'));
    await aggregator.write(chunk('c'));
    const pendingFlush = observe(aggregator.flush());
    const acceptedLater = observe(aggregator.write(chunk('d')));
    const waiting = observe(aggregator.write(chunk('e')));
    output.release(); // 'a' written: 'd' takes the freed slot, 'e' still waits
    await output.waitForCalls(2);
    assert.equal(acceptedLater.state, 'fulfilled');
    const failure = new Error('disk full');
    output.fail(failure); // 'b' fails: 'c' and 'd' (queued) and 'e' (waiting) are never written
    await turns();

    assert.equal(pendingFlush.state, 'rejected');
    assert.ok(isWriteFailed(failure)(pendingFlush.error));
    assert.equal(waiting.state, 'rejected');
    assert.ok(isWriteFailed(failure)(waiting.error));
    assert.equal(aggregator.lastError, failure);
    assert.deepEqual(aggregator.errors(), [failure]);
    assert.deepEqual(told, [failure]);
    assert.deepEqual(aggregator.stats(), {
      waitingWriters: 0,
      queuedItems: 0,
      bytesWaiting: 0,
      bytesQueued: 0,
      bytesWritten: 1,
      writes: 2,
      syncs: 0,
    });

    // The pending flush reported the failure, so writes are accepted again.
    await aggregator.write(chunk('f'));
    await output.waitForCalls(3);
    output.release();
    await aggregator.flush();
    assert.equal(output.text, 'abf');
    assert.equal(aggregator.stats().bytesWritten, 2);
    await aggregator.close();
  });

  test('with no flush pending, writes reject until a flush reports the failure', async () => {
    const output = new ControlledWrite();
    const aggregator = new Aggregator({ write: output.write, coalesceBytes: 0 });
    aggregator.start();

    await aggregator.write(chunk('a'));
    await aggregator.write(chunk('b'));
    await output.waitForCalls(1);
    const failure = new Error('EIO');
    output.fail(failure);
    await turns();

    for (const text of ['c', 'd']) await assert.rejects(aggregator.write(chunk(text)), isWriteFailed(failure));
    await assert.rejects(aggregator.write(new Uint8Array(0)), isWriteFailed(failure));
    await assert.rejects(aggregator.flush(), isWriteFailed(failure));
    await aggregator.write(chunk('e'));
    await output.waitForCalls(2);
    output.release();
    await aggregator.flush();
    assert.equal(output.text, 'ae');
    await aggregator.close();
  });

  const throwers = [
    { name: 'an async write that rejects with an Error', kind: 'reject', thrown: new Error('EIO') },
    { name: 'a sync write that throws an Error', kind: 'throw', thrown: new Error('EIO') },
    { name: 'a write that throws a string', kind: 'throw', thrown: 'EIO' },
  ] as const;
  for (const { name, kind, thrown } of throwers) {
    test(`${name}: the covering flush rejects once, then the state is clear`, async () => {
      let fail = true;
      const written: string[] = [];
      const aggregator = new Aggregator({
        write: (data) => {
          if (!fail) {
            written.push(data.toString());
            return undefined;
          }
          fail = false;
          if (kind === 'reject') return Promise.reject(thrown);
          throw thrown;
        },
      });
      aggregator.start();

      await aggregator.write(chunk('lost'));
      await assert.rejects(aggregator.flush(), (error: unknown) => {
        assert.ok(isAppError(error, 'AGG_WRITE_FAILED'));
        const cause = error.cause;
        assert.ok(cause instanceof Error);
        assert.equal(cause.message, 'EIO');
        assert.equal(cause, aggregator.lastError);
        return true;
      });
      await aggregator.flush();
      await aggregator.write(chunk('kept'));
      await aggregator.flush();
      assert.deepEqual(written, ['kept']);
      await aggregator.close();
    });
  }

  const bounds = [
    { name: 'maxErrors 0 keeps none', maxErrors: 0, kept: [] },
    { name: 'maxErrors 3 keeps the newest 3', maxErrors: 3, kept: ['e3', 'e4', 'e5'] },
    { name: 'the default keeps all 5', maxErrors: undefined, kept: ['e1', 'e2', 'e3', 'e4', 'e5'] },
  ];
  for (const { name, maxErrors, kept } of bounds) {
    test(`errors(): ${name}, newest last`, async () => {
      let failures = 0;
      const aggregator = new Aggregator({
        maxErrors,
        write: () => {
          failures += 1;
          throw new Error(`e${failures}`);
        },
      });
      aggregator.start();
      for (let round = 0; round < 5; round += 1) {
        await aggregator.write(chunk('x'));
        await assert.rejects(aggregator.flush(), { code: 'AGG_WRITE_FAILED' });
      }
      assert.deepEqual(
        aggregator.errors().map((error) => error.message),
        kept,
      );
      assert.equal(aggregator.lastError?.message, 'e5');
      await aggregator.close();
    });
  }

  const listeners = [
    {
      name: 'throws',
      onError: () => {
        throw new Error('listener broke');
      },
    },
    { name: 'rejects', onError: () => Promise.reject(new Error('listener broke')) },
  ];
  for (const { name, onError } of listeners) {
    test(`an onError that ${name} is recorded and the consumer goes on`, async () => {
      const output = new ControlledWrite();
      const aggregator = new Aggregator({ write: output.write, onError });
      aggregator.start();

      await aggregator.write(chunk('a'));
      await output.waitForCalls(1);
      output.fail(new Error('write broke'));
      await assert.rejects(aggregator.flush(), { code: 'AGG_WRITE_FAILED' });
      await turns();
      assert.deepEqual(
        aggregator.errors().map((error) => error.message),
        ['write broke', 'listener broke'],
      );

      await aggregator.write(chunk('b'));
      await output.waitForCalls(2);
      output.release();
      await aggregator.flush();
      assert.equal(output.text, 'ab');
      await aggregator.close();
    });
  }
});
