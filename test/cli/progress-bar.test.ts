import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createProgressBar, type ProgressStream, renderProgressLine } from '../../src/cli/progress-bar.js';

function fakeStream(isTTY: boolean, columns = 80): ProgressStream & { writes: string[] } {
  const writes: string[] = [];
  return { isTTY, columns, writes, write: (text) => writes.push(text) > 0 };
}

function fakeClock(start = 1_000_000): { now: () => number; advance: (ms: number) => void } {
  let time = start;
  return {
    now: () => time,
    advance: (ms) => {
      time += ms;
    },
  };
}

const CLEAR = '\r\x1b[2K';

describe('progress bar', () => {
  it('draws bytes %, rows and rows/s in place on a terminal', () => {
    const stream = fakeStream(true);
    const clock = fakeClock();
    const bar = createProgressBar({ stream, totalBytes: 2000, now: clock.now });
    clock.advance(2000);
    bar.update({ bytesRead: 1000, rowsRead: 12_345 });
    assert.equal(stream.writes.length, 1);
    const [line] = stream.writes;
    assert.ok(line.startsWith(CLEAR));
    assert.match(line, / 50%  12,345 rows  6,173 rows\/s$/);
    assert.match(line, /^\r\x1b\[2K\[█+░+\] /);
    assert.equal(line.split('█').length - 1, line.split('░').length - 1, 'half the bar is filled');
  });

  it('redraws at most every 100 ms', () => {
    const stream = fakeStream(true);
    const clock = fakeClock();
    const bar = createProgressBar({ stream, totalBytes: 100, now: clock.now });
    for (let rows = 1; rows <= 50; rows += 1) {
      bar.update({ bytesRead: rows, rowsRead: rows });
      clock.advance(10);
    }
    assert.equal(stream.writes.length, 5);
  });

  it('clears its line at the end, so the report starts clean', () => {
    const stream = fakeStream(true);
    const bar = createProgressBar({ stream, totalBytes: 10 });
    bar.update({ bytesRead: 10, rowsRead: 1 });
    bar.finish();
    assert.equal(stream.writes.at(-1), CLEAR);
  });

  it('draws nothing when the stream is not a terminal', () => {
    const stream = fakeStream(false);
    const bar = createProgressBar({ stream, totalBytes: 10 });
    bar.update({ bytesRead: 5, rowsRead: 1 });
    bar.finish();
    assert.deepEqual(stream.writes, []);
  });

  it('never writes a line wider than the terminal', () => {
    for (const columns of [20, 40, 60, 80, 200]) {
      const line = renderProgressLine({ bytesRead: 3, rowsRead: 1_234_567 }, 7, 1, columns);
      assert.ok(Array.from(line).length < columns, `${columns}: ${line}`);
    }
    assert.match(renderProgressLine({ bytesRead: 0, rowsRead: 0 }, 0, 0, 80), /100%  0 rows  0 rows\/s$/);
  });
});
