import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type ReadOptions, readRecords, readRecordsInWorker } from '../../src/csv/read/index.js';
import type { RawRecord } from '../../src/csv/types.js';
import { blocks, makeBlock } from './generated-csv.js';
import { chunksOf, collect } from './harness.js';

const DEFAULTS: ReadOptions = { delimiter: ',', encoding: 'utf-8', maxRecordSize: 1024 };

async function collectInWorker(source: AsyncIterable<Uint8Array>, options: Partial<ReadOptions> = {}): Promise<RawRecord[]> {
  const records: RawRecord[] = [];
  for await (const batch of readRecordsInWorker(source, { ...DEFAULTS, ...options })) records.push(...batch);
  return records;
}

/** Whether a worker thread (its message port) is still alive in this process. */
function workerAlive(): boolean {
  return process.getActiveResourcesInfo().includes('MessagePort');
}

const bytes = (...parts: (string | number[])[]): Buffer =>
  Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part, 'utf8') : Buffer.from(part))));

const INPUTS: { title: string; input: Buffer; options?: Partial<ReadOptions> }[] = [
  { title: 'quotes, line breaks in fields, bad records, blank rows', input: bytes('id,text\n1,"a, b"\n2,"x\r\ny"\n\n3,"x"y\n , \n4,"never closed\n5,end') },
  { title: 'invalid UTF-8 and a BOM', input: bytes([0xef, 0xbb, 0xbf], 'a,b\n1,', [0xff, 0xfe], '\n2,ok\n') },
  { title: 'skipped lines and a guessed delimiter', input: bytes('bank export\nfrom x\nname;price\nTea;1,50\n'), options: { skipLines: 2, delimiter: 'auto' } },
  { title: 'separator characters inside fields', input: bytes('a,b\n1,x\u001fy\n2,p\u001eq\n3,z\n') },
  { title: 'UTF-16 LE', input: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('a,b\n1,Zoë\n', 'utf16le')]), options: { encoding: 'utf-16le' } },
  { title: 'a record longer than maxRecordSize', input: bytes('a\n', 'z'.repeat(200), '\nb\n'), options: { maxRecordSize: 50 } },
];

describe('readRecordsInWorker', () => {
  for (const { title, input, options } of INPUTS) {
    test(`the same records as readRecords: ${title}, whole and one byte at a time`, async () => {
      const expected = await collect(chunksOf(input, input.length), options);
      for (const size of [input.length, 1, 7]) {
        assert.deepEqual(await collectInWorker(chunksOf(input, size), options), expected, `chunks of ${size} bytes`);
      }
      assert.equal(workerAlive(), false);
    });
  }

  test('a source chunk larger than a piece, and many pieces: the same records', async () => {
    const block = makeBlock();
    const big = Buffer.concat([block, block, block]);
    assert.deepEqual(
      await collectInWorker(chunksOf(big, big.length), { maxRecordSize: 4096 }),
      await collect(chunksOf(big, big.length), { maxRecordSize: 4096 }),
    );
  });

  test('progress counts every byte, in order', async () => {
    const input = Buffer.from('a,b\n1,2\n3,4\n');
    const seen: number[] = [];
    for await (const batch of readRecordsInWorker(chunksOf(input, 5), { ...DEFAULTS, onProgress: (bytes) => seen.push(bytes) })) assert.ok(batch.length > 0);
    assert.deepEqual(seen, [5, 10, 12]);
  });

  test('a bad option is a RangeError before any worker starts', async () => {
    await assert.rejects(collectInWorker(chunksOf(Buffer.from('a'), 1), { maxRecordSize: 0 }), RangeError);
    assert.equal(workerAlive(), false);
  });

  test('the source is read only as fast as batches are taken: at most a few pieces ahead', async () => {
    let pulled = 0;
    async function* counted(): AsyncGenerator<Uint8Array> {
      for await (const chunk of blocks(64)) {
        pulled += 1;
        yield chunk.subarray(0, 64 * 1024);
      }
    }
    let taken = 0;
    for await (const batch of readRecordsInWorker(counted(), { ...DEFAULTS, maxRecordSize: 4096 })) {
      taken += 1;
      assert.ok(batch.length > 0);
      assert.ok(pulled - taken <= 5, `${pulled} chunks read, ${taken} batches taken`);
      await new Promise((resolve) => setTimeout(resolve, 2));
      if (taken === 20) break;
    }
    assert.ok(pulled <= taken + 5);
    assert.equal(workerAlive(), false);
  });

  test('stopping early closes the source and ends the worker', async () => {
    let closed = false;
    async function* endless(): AsyncGenerator<Uint8Array> {
      try {
        for (;;) yield Buffer.from('1,2\n'.repeat(1000));
      } finally {
        closed = true;
      }
    }
    for await (const batch of readRecordsInWorker(endless(), DEFAULTS)) {
      assert.ok(batch.length > 0);
      break;
    }
    assert.equal(closed, true);
    assert.equal(workerAlive(), false);
  });

  test('a source error comes after the records read before it, as with readRecords, and ends the worker', async () => {
    async function* failing(): AsyncGenerator<Uint8Array> {
      yield Buffer.from('a,b\n1,2\n3,');
      throw new Error('disk gone');
    }
    const inThread: RawRecord[] = [];
    await assert.rejects(async () => {
      for await (const record of readRecords(failing(), DEFAULTS)) inThread.push(record);
    }, /disk gone/);
    const records: RawRecord[] = [];
    await assert.rejects(async () => {
      for await (const batch of readRecordsInWorker(failing(), DEFAULTS)) records.push(...batch);
    }, /disk gone/);
    assert.ok(records.length > 0);
    assert.deepEqual(records, inThread);
    assert.equal(workerAlive(), false);
  });

  test('an exception in the reader is thrown as readRecords throws it, and ends the worker', async () => {
    const options = { encoding: 'ebcdic' as ReadOptions['encoding'] };
    const inThread = await collect(chunksOf(Buffer.from('a,b\n'), 4), options).then(
      () => undefined,
      (error: unknown) => error,
    );
    assert.ok(inThread instanceof Error);
    await assert.rejects(collectInWorker(chunksOf(Buffer.from('a,b\n'), 4), options), { name: inThread.name, message: inThread.message });
    assert.equal(workerAlive(), false);
  });
});
