import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Aggregator } from '../../src/aggregator/index.js';
import { ControlledWrite, chunk, observe, turns } from './harness.js';

describe('Aggregator writing', () => {
  test('one consumer writes serially, in order, for many concurrent writers', async () => {
    const output = new ControlledWrite({ gated: false });
    const aggregator = new Aggregator({ write: output.write, queueCapacity: 4, coalesceBytes: 16 });
    aggregator.start();

    const writers = Array.from({ length: 20 }, async (_, writer) => {
      for (let index = 0; index < 10; index += 1) await aggregator.write(chunk(`w${writer}.${index};`));
    });
    await Promise.all(writers);
    await aggregator.flush();

    assert.equal(output.overlap.max, 1);
    const records = output.text.split(';').filter((record) => record !== '');
    assert.equal(records.length, 200);
    for (let writer = 0; writer < 20; writer += 1) {
      const own = records.filter((record) => record.startsWith(`w${writer}.`));
      assert.deepEqual(
        own,
        Array.from({ length: 10 }, (_, index) => `w${writer}.${index}`),
      );
    }
    await aggregator.close();
  });

  test('writes issued without awaiting land in call order, waiting writers FIFO', async () => {
    const output = new ControlledWrite({ gated: false });
    const aggregator = new Aggregator({ write: output.write, queueCapacity: 2, coalesceBytes: 0 });
    aggregator.start();

    const expected = Array.from({ length: 50 }, (_, index) => `${index},`);
    await Promise.all(expected.map((text) => aggregator.write(chunk(text))));
    await aggregator.flush();

    assert.equal(output.text, expected.join(''));
    assert.equal(output.calls.length, 50);
    await aggregator.close();
  });

  const coalescing = [
    { name: 'joins up to the limit', coalesceBytes: 10, sizes: [3, 3, 3, 3], calls: [9, 3] },
    { name: 'joins exactly to the limit', coalesceBytes: 6, sizes: [3, 3, 3], calls: [6, 3] },
    { name: '0 never joins', coalesceBytes: 0, sizes: [3, 3, 3], calls: [3, 3, 3] },
    { name: 'a chunk over the limit goes alone, unsplit', coalesceBytes: 4, sizes: [10, 1, 1, 10], calls: [10, 2, 10] },
    { name: 'a big chunk between small ones ends the batch', coalesceBytes: 5, sizes: [2, 10, 2], calls: [2, 10, 2] },
    { name: 'the default (1 MiB) joins small chunks', coalesceBytes: undefined, sizes: [1, 2, 3], calls: [6] },
  ];
  for (const { name, coalesceBytes, sizes, calls } of coalescing) {
    test(`coalescing: ${name}`, async () => {
      const output = new ControlledWrite({ gated: false });
      const aggregator = new Aggregator({ write: output.write, queueCapacity: 16, coalesceBytes });
      // Queue everything while stopped, so the consumer sees all chunks at once.
      const chunks = sizes.map((size, index) => Buffer.alloc(size, 97 + index));
      for (const data of chunks) await aggregator.write(data);
      aggregator.start();
      await aggregator.flush();

      assert.deepEqual(
        output.calls.map((call) => call.length),
        calls,
      );
      assert.deepEqual(Buffer.concat(output.calls), Buffer.concat(chunks));
      assert.equal(aggregator.stats().writes, calls.length);
      await aggregator.close();
    });
  }

  test('writeMany: a coalesced batch is handed over as its chunks, uncopied; single chunks still go to write', async () => {
    const single: Buffer[] = [];
    const batches: { chunks: Buffer[]; byteLength: number }[] = [];
    const aggregator = new Aggregator({
      write: (data) => void single.push(data),
      writeMany: (chunks, byteLength) => void batches.push({ chunks: [...chunks], byteLength }),
      queueCapacity: 16,
      coalesceBytes: 6,
    });
    const chunks = [3, 2, 1, 10, 4].map((size, index) => Buffer.alloc(size, 97 + index));
    for (const data of chunks) await aggregator.write(data);
    aggregator.start();
    await aggregator.flush();

    assert.equal(batches.length, 1);
    assert.equal(batches[0].byteLength, 6);
    assert.ok(
      batches[0].chunks.every((data, index) => data === chunks[index]),
      'the very same Buffers, not copies',
    );
    assert.deepEqual(single, [chunks[3], chunks[4]]);
    assert.equal(aggregator.stats().writes, 3);
    assert.equal(aggregator.stats().bytesWritten, 20);
    await aggregator.close();
  });

  test('backpressure: a writer waits while the queue is full, until the consumer frees room', async () => {
    const output = new ControlledWrite();
    const aggregator = new Aggregator({ write: output.write, queueCapacity: 2, coalesceBytes: 0 });
    aggregator.start();

    await aggregator.write(chunk('a'));
    await output.waitForCalls(1);
    await aggregator.write(chunk('b'));
    const third = observe(aggregator.write(chunk('c')));
    const fourth = observe(aggregator.write(chunk('d')));
    await turns();
    assert.equal(third.state, 'pending');
    assert.equal(fourth.state, 'pending');
    assert.equal(aggregator.stats().waitingWriters, 2);

    output.release(); // 'a' written: one slot frees, the first waiter gets it
    await turns();
    assert.equal(third.state, 'fulfilled');
    assert.equal(fourth.state, 'pending');

    output.release(); // 'b'
    await turns();
    assert.equal(fourth.state, 'fulfilled');
    output.release(); // 'c'
    await output.waitForCalls(4);
    output.release(); // 'd'
    await aggregator.flush();
    assert.equal(output.text, 'abcd');
    await aggregator.close();
  });

  test('stats() reports live queue and waiting numbers and totals', async () => {
    const output = new ControlledWrite();
    const aggregator = new Aggregator({ write: output.write, queueCapacity: 2, coalesceBytes: 0 });
    const zero = { waitingWriters: 0, queuedItems: 0, bytesWaiting: 0, bytesQueued: 0, bytesWritten: 0, writes: 0, syncs: 0 };
    assert.deepEqual(aggregator.stats(), zero);

    aggregator.start();
    await aggregator.write(Buffer.alloc(3));
    await output.waitForCalls(1);
    await aggregator.write(Buffer.alloc(4));
    const waiting = aggregator.write(Buffer.alloc(5));
    // The chunk being written still counts as queued until its write returns.
    assert.deepEqual(aggregator.stats(), { ...zero, waitingWriters: 1, queuedItems: 2, bytesWaiting: 5, bytesQueued: 7, writes: 1 });

    output.release();
    await waiting;
    await output.waitForCalls(2);
    assert.deepEqual(aggregator.stats(), { ...zero, queuedItems: 2, bytesQueued: 9, bytesWritten: 3, writes: 2 });

    output.release();
    await output.waitForCalls(3);
    output.release();
    await aggregator.flush();
    assert.deepEqual(aggregator.stats(), { ...zero, bytesWritten: 12, writes: 3 });
    await aggregator.close();
  });

  test('an empty buffer resolves without being queued or written', async () => {
    const output = new ControlledWrite({ gated: false });
    const aggregator = new Aggregator({ write: output.write });
    aggregator.start();

    await aggregator.write(new Uint8Array(0));
    assert.equal(aggregator.stats().queuedItems, 0);
    await aggregator.flush();
    assert.equal(output.calls.length, 0);
    await aggregator.close();
  });

  test('a Uint8Array view is written as exactly its own bytes', async () => {
    const output = new ControlledWrite({ gated: false });
    const aggregator = new Aggregator({ write: output.write });
    aggregator.start();

    const backing = new TextEncoder().encode('xxhelloyy');
    await aggregator.write(backing.subarray(2, 7));
    await aggregator.flush();

    assert.equal(output.text, 'hello');
    assert.equal(aggregator.stats().bytesWritten, 5);
    await aggregator.close();
  });

  const invalid = [
    { option: 'queueCapacity', value: 0 },
    { option: 'coalesceBytes', value: -1 },
    { option: 'syncIntervalMs', value: 1.5 },
    { option: 'tickMaxConcurrent', value: 0 },
    { option: 'maxErrors', value: Number.NaN },
  ];
  for (const { option, value } of invalid) {
    test(`rejects ${option}: ${value}`, () => {
      assert.throws(() => new Aggregator({ write: () => undefined, [option]: value }), {
        name: 'RangeError',
        message: new RegExp(option),
      });
    });
  }
});
