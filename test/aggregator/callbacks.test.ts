import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Aggregator } from '../../src/aggregator/index.js';
import { ControlledWrite, chunk, deferred, Overlap, observe, turns } from './harness.js';

const failures = [
  {
    name: 'throws',
    callback: () => {
      throw new Error('callback broke');
    },
  },
  { name: 'rejects', callback: () => Promise.reject(new Error('callback broke')) },
];

describe('Aggregator onSync', () => {
  test('runs every syncIntervalMs while running, and not while stopped', async (t) => {
    t.mock.timers.enable({ apis: ['setInterval'] });
    let runs = 0;
    const aggregator = new Aggregator({
      write: () => undefined,
      onSync: () => {
        runs += 1;
      },
      syncIntervalMs: 100,
    });
    aggregator.start();

    for (const [advanceMs, expected] of [
      [99, 0],
      [1, 1],
      [100, 2],
      [100, 3],
    ] as const) {
      t.mock.timers.tick(advanceMs);
      await turns();
      assert.equal(runs, expected);
    }
    assert.equal(aggregator.stats().syncs, 3);

    await aggregator.stop();
    t.mock.timers.tick(1000);
    await turns();
    assert.equal(runs, 3);
    await aggregator.close();
  });

  test('never overlaps a write: it waits for the write in flight, and writes wait for it', async (t) => {
    t.mock.timers.enable({ apis: ['setInterval'] });
    const overlap = new Overlap();
    const output = new ControlledWrite({ overlap });
    const syncGate = deferred();
    let runs = 0;
    const aggregator = new Aggregator({
      write: output.write,
      syncIntervalMs: 50,
      onSync: () =>
        overlap.guard(async () => {
          runs += 1;
          await syncGate.promise;
        }),
    });
    aggregator.start();

    await aggregator.write(chunk('a'));
    await output.waitForCalls(1);
    t.mock.timers.tick(50);
    await turns();
    assert.equal(runs, 0, 'the sync waits for the write in flight');

    output.release();
    await turns();
    assert.equal(runs, 1);
    await aggregator.write(chunk('b'));
    await turns();
    assert.equal(output.calls.length, 1, 'the next write waits for the sync');

    syncGate.resolve();
    await output.waitForCalls(2);
    output.release();
    await aggregator.flush();
    assert.equal(output.text, 'ab');
    assert.equal(overlap.max, 1);
    await aggregator.close();
  });

  for (const { name, callback } of failures) {
    test(`an onSync that ${name} is recorded; the consumer and the timer go on`, async (t) => {
      t.mock.timers.enable({ apis: ['setInterval'] });
      let runs = 0;
      const output = new ControlledWrite({ gated: false });
      const aggregator = new Aggregator({
        write: output.write,
        syncIntervalMs: 10,
        onSync: () => {
          runs += 1;
          return callback();
        },
      });
      aggregator.start();

      t.mock.timers.tick(10);
      await turns();
      assert.equal(runs, 1);
      assert.equal(aggregator.lastError?.message, 'callback broke');

      await aggregator.write(chunk('still writing'));
      await aggregator.flush();
      assert.equal(output.text, 'still writing');
      t.mock.timers.tick(10);
      await turns();
      assert.equal(runs, 2);
      assert.equal(aggregator.errors().length, 2);
      await assert.rejects(aggregator.close(), { message: 'callback broke' });
    });
  }
});

describe('Aggregator sync()', () => {
  test('flushes, then runs onSync in the consumer, and resolves after it ran', async () => {
    const events: string[] = [];
    const output = new ControlledWrite();
    const aggregator = new Aggregator({
      write: async (data) => {
        await output.write(data);
        events.push(`write ${data.toString()}`);
      },
      onSync: () => void events.push('sync'),
    });
    aggregator.start();

    await aggregator.write(chunk('a'));
    await output.waitForCalls(1);
    await aggregator.write(chunk('b'));
    const synced = observe(aggregator.sync());
    await turns();
    assert.equal(synced.state, 'pending');
    assert.deepEqual(events, []);

    output.release(); // writes 'a'
    await output.waitForCalls(2);
    output.release(); // writes 'b'
    await turns();
    assert.equal(synced.state, 'fulfilled');
    assert.deepEqual(events, ['write a', 'write b', 'sync']);
    assert.equal(aggregator.stats().syncs, 1);
    await aggregator.close();
  });

  test('rejects with the onSync error, and the aggregator keeps accepting writes', async () => {
    let fail = true;
    const output = new ControlledWrite({ gated: false });
    const aggregator = new Aggregator({
      write: output.write,
      onSync: () => {
        if (fail) throw new Error('fsync failed');
      },
    });
    aggregator.start();

    await aggregator.write(chunk('a'));
    await assert.rejects(aggregator.sync(), { message: 'fsync failed' });
    assert.equal(aggregator.lastError?.message, 'fsync failed');
    fail = false;
    await aggregator.write(chunk('b'));
    await aggregator.sync();
    assert.equal(output.text, 'ab');
    await aggregator.close();
  });

  test('without onSync it is a flush', async () => {
    const output = new ControlledWrite();
    const aggregator = new Aggregator({ write: output.write });
    aggregator.start();

    await aggregator.write(chunk('a'));
    const synced = observe(aggregator.sync());
    await output.waitForCalls(1);
    await turns();
    assert.equal(synced.state, 'pending');
    output.release();
    await turns();
    assert.equal(synced.state, 'fulfilled');
    assert.equal(aggregator.stats().syncs, 0);
    await aggregator.close();
  });

  test('reports a write failure like flush(), without running onSync', async () => {
    let syncs = 0;
    const output = new ControlledWrite();
    const aggregator = new Aggregator({
      write: output.write,
      onSync: () => {
        syncs += 1;
      },
    });
    aggregator.start();

    await aggregator.write(chunk('a'));
    const synced = observe(aggregator.sync());
    await output.waitForCalls(1);
    output.fail(new Error('EIO'));
    await turns();
    assert.equal(synced.state, 'rejected');
    assert.equal((synced.error as { code?: string }).code, 'AGG_WRITE_FAILED');
    assert.equal(syncs, 0);
    await aggregator.write(chunk('b'));
    await output.waitForCalls(2);
    output.release();
    await aggregator.sync();
    assert.equal(syncs, 1);
    await aggregator.close();
  });
});

describe('Aggregator onTick', () => {
  for (const tickMaxConcurrent of [1, 3]) {
    test(`runs at most tickMaxConcurrent (${tickMaxConcurrent}) at once; extra ticks are skipped`, async (t) => {
      t.mock.timers.enable({ apis: ['setInterval'] });
      const running: (() => void)[] = [];
      let started = 0;
      const aggregator = new Aggregator({
        write: () => undefined,
        tickIntervalMs: 100,
        tickMaxConcurrent,
        onTick: () => {
          started += 1;
          const gate = deferred();
          running.push(gate.resolve);
          return gate.promise;
        },
      });
      aggregator.start();

      for (let tick = 0; tick < 5; tick += 1) {
        t.mock.timers.tick(100);
        await turns(1);
      }
      assert.equal(started, tickMaxConcurrent);

      running.shift()?.();
      await turns();
      t.mock.timers.tick(100);
      await turns(1);
      assert.equal(started, tickMaxConcurrent + 1, 'a freed slot is used by the next tick');

      for (const release of running) release();
      await aggregator.close();
    });
  }

  test('runs outside the consumer: a tick starts while a write is in flight', async (t) => {
    t.mock.timers.enable({ apis: ['setInterval'] });
    const output = new ControlledWrite();
    let ticks = 0;
    const aggregator = new Aggregator({
      write: output.write,
      tickIntervalMs: 10,
      onTick: () => {
        ticks += 1;
      },
    });
    aggregator.start();

    await aggregator.write(chunk('a'));
    await output.waitForCalls(1);
    t.mock.timers.tick(10);
    await turns();
    assert.equal(ticks, 1);
    assert.equal(output.inFlight, 1);
    output.release();
    await aggregator.close();
  });

  for (const { name, callback } of failures) {
    test(`an onTick that ${name} is recorded; ticks and writes go on`, async (t) => {
      t.mock.timers.enable({ apis: ['setInterval'] });
      let ticks = 0;
      const output = new ControlledWrite({ gated: false });
      const aggregator = new Aggregator({
        write: output.write,
        tickIntervalMs: 10,
        onTick: () => {
          ticks += 1;
          return callback();
        },
      });
      aggregator.start();

      for (const expected of [1, 2]) {
        t.mock.timers.tick(10);
        await turns();
        assert.equal(ticks, expected);
      }
      assert.deepEqual(
        aggregator.errors().map((error) => error.message),
        ['callback broke', 'callback broke'],
      );
      await aggregator.write(chunk('ok'));
      await aggregator.flush();
      assert.equal(output.text, 'ok');
      await aggregator.close();
    });
  }
});
