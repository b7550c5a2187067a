import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RingQueue } from '../../src/aggregator/ring-queue.js';

test('RingQueue keeps FIFO order across wrap-around and growth', () => {
  const queue = new RingQueue<number>(4);
  const expected: number[] = [];
  let next = 0;
  // Push more than shift each round, so the head wraps and the array doubles mid-stream.
  for (let round = 0; round < 10; round += 1) {
    for (let push = 0; push < 3; push += 1) {
      queue.push(next);
      expected.push(next);
      next += 1;
    }
    assert.equal(queue.shift(), expected.shift());
    assert.equal(queue.shift(), expected.shift());
  }
  assert.equal(queue.length, expected.length);
  assert.deepEqual(
    Array.from({ length: queue.length }, (_, index) => queue.peek(index)),
    expected,
  );
  queue.drop(3);
  assert.equal(queue.peek(), expected[3]);
  queue.clear();
  assert.equal(queue.length, 0);
  queue.push(99);
  assert.equal(queue.shift(), 99);
});
