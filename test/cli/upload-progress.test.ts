import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ferryCacheDir } from '../../src/cli/cache-dir.js';
import type { ProgressStream } from '../../src/cli/progress-bar.js';
import { createUploadProgress, formatBytes } from '../../src/cli/upload-progress.js';

const MiB = 1024 * 1024;
const ERASE_TWO_ROWS = '\r\x1b[2A\x1b[J';

function fakeStream(isTTY: boolean, columns = 80): ProgressStream & { writes: string[]; text: () => string } {
  const writes: string[] = [];
  return { isTTY, columns, writes, write: (text) => writes.push(text) > 0, text: () => writes.join('') };
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

describe('upload progress as plain lines (not a terminal)', () => {
  it('prints the start, each further tenth with the speed, the end and the URL', () => {
    const stream = fakeStream(false);
    const clock = fakeClock();
    const file = createUploadProgress({ stream, now: clock.now }).track('data.csv', 10 * MiB);
    file.started(0);
    for (let sent = 1; sent <= 10; sent += 1) {
      clock.advance(250);
      file.update(sent * 0.375 * MiB);
    }
    clock.advance(1000);
    file.done('http://127.0.0.1:1080/files/abc');
    assert.deepEqual(stream.text().split('\n'), [
      'data.csv: 0 B / 10.0 MiB (0%)',
      'data.csv: 1.1 MiB / 10.0 MiB (11%) 1.5 MiB/s',
      'data.csv: 2.3 MiB / 10.0 MiB (22%) 1.5 MiB/s',
      'data.csv: 3.0 MiB / 10.0 MiB (30%) 1.5 MiB/s',
      'data.csv: 10.0 MiB / 10.0 MiB (100%) 2.9 MiB/s',
      'data.csv: uploaded http://127.0.0.1:1080/files/abc',
      '',
    ]);
  });

  it('says where a resumed upload starts, and counts the speed from there', () => {
    const stream = fakeStream(false);
    const clock = fakeClock();
    const file = createUploadProgress({ stream, now: clock.now }).track('data.csv', 10 * MiB);
    file.started(4 * MiB);
    clock.advance(1000);
    file.update(4.5 * MiB);
    file.update(5 * MiB);
    assert.deepEqual(stream.text().split('\n'), ['data.csv: resuming at 4.0 MiB / 10.0 MiB (40%)', 'data.csv: 5.0 MiB / 10.0 MiB (50%) 1.0 MiB/s', '']);
  });

  it('prints no progress with quiet (--json on a pipe), but still what the command prints', () => {
    const stream = fakeStream(false);
    const progress = createUploadProgress({ stream, quiet: true });
    const file = progress.track('data.csv', 100);
    file.started(0);
    file.update(50);
    file.done('http://x/files/1');
    progress.print('a warning\n');
    assert.deepEqual(stream.writes, ['a warning\n']);
  });
});

describe('upload progress as bars (a terminal)', () => {
  it('draws a row per file and redraws the block in place, at most every 100 ms', () => {
    const stream = fakeStream(true, 100);
    const clock = fakeClock();
    const progress = createUploadProgress({ stream, now: clock.now });
    const first = progress.track('first.csv', 1000);
    const second = progress.track('second-file.csv', 2000);
    first.started(0);
    second.started(0);
    const drawn = stream.writes.length;
    clock.advance(100);
    first.update(500);
    first.update(600);
    assert.equal(stream.writes.length, drawn + 1, 'the second update within 100 ms draws nothing');
    const block = stream.writes.at(-1)!;
    assert.ok(block.startsWith(ERASE_TWO_ROWS), 'it moves up over the two rows it drew and clears them');
    const rows = block.slice(ERASE_TWO_ROWS.length).split('\n');
    assert.match(rows[0], /^first\.csv {8}\[█+░+\]  50%  500 B \/ 1000 B  4\.9 KiB\/s$/);
    assert.match(rows[1], /^second-file\.csv {2}\[░+\]   0%  0 B \/ 2\.0 KiB  0 B\/s$/);
    assert.ok(rows.every((row) => Array.from(row).length < 100));
  });

  it("prints lines that stay above the bars, and removes a file's bar when it is done", () => {
    const stream = fakeStream(true);
    const progress = createUploadProgress({ stream, now: fakeClock().now });
    const first = progress.track('a.csv', 10);
    const second = progress.track('b.csv', 10);
    first.started(0);
    second.started(0);
    stream.writes.length = 0;
    progress.print('a warning\n');
    assert.equal(stream.writes[0], ERASE_TWO_ROWS);
    assert.equal(stream.writes[1], 'a warning\n');
    assert.match(stream.writes[2], /^a\.csv {2}\[░+\] {3}0%.*\nb\.csv {2}\[░+\] {3}0%.*\n$/);
    stream.writes.length = 0;
    first.done('http://x/files/1');
    assert.equal(stream.writes[0], ERASE_TWO_ROWS);
    assert.equal(stream.writes[1], 'a.csv: 10 B / 10 B (100%)\na.csv: uploaded http://x/files/1\n');
    assert.match(stream.writes[2], /^b\.csv {2}\[░+\] {3}0%[^\n]*\n$/, 'one row is left');
  });

  it('never draws a row wider than the terminal', () => {
    for (const columns of [20, 40, 60, 80, 200]) {
      const stream = fakeStream(true, columns);
      const clock = fakeClock();
      const file = createUploadProgress({ stream, now: clock.now }).track('a-rather-long-file-name-indeed.csv', 3 * 1024 ** 3);
      file.started(1024 ** 3);
      clock.advance(1000);
      file.update(1.5 * 1024 ** 3);
      const rows = stream.writes
        .at(-1)!
        .replace(/^\r\x1b\[\d+A\x1b\[J/, '')
        .split('\n')
        .filter(Boolean);
      assert.equal(rows.length, 1);
      assert.ok(
        rows.every((row) => Array.from(row).length <= columns - 1),
        `${columns} columns: ${rows.join(' | ')}`,
      );
    }
  });
});

describe('formatBytes', () => {
  const cases: [number, string][] = [
    [0, '0 B'],
    [1023, '1023 B'],
    [1024, '1.0 KiB'],
    [1536, '1.5 KiB'],
    [8 * MiB, '8.0 MiB'],
    [10 * 1024 ** 3, '10.0 GiB'],
    [2 * 1024 ** 4, '2.0 TiB'],
  ];
  for (const [bytes, text] of cases) it(`${bytes} → ${text}`, () => assert.equal(formatBytes(bytes), text));
});

describe('the cache directory for the resume state', () => {
  const home = '/home/ada';
  const cases: { name: string; env: NodeJS.ProcessEnv; platform: NodeJS.Platform; expected: string }[] = [
    { name: 'FERRY_CACHE_DIR wins', env: { FERRY_CACHE_DIR: '/tmp/ferry-cache', XDG_CACHE_HOME: '/xdg' }, platform: 'linux', expected: '/tmp/ferry-cache' },
    { name: 'XDG_CACHE_HOME on Linux', env: { XDG_CACHE_HOME: '/xdg' }, platform: 'linux', expected: '/xdg/ferry' },
    { name: 'a relative XDG_CACHE_HOME is ignored', env: { XDG_CACHE_HOME: 'cache' }, platform: 'linux', expected: '/home/ada/.cache/ferry' },
    { name: '~/.cache by default', env: {}, platform: 'linux', expected: '/home/ada/.cache/ferry' },
    { name: '~/Library/Caches on macOS', env: { XDG_CACHE_HOME: '/xdg' }, platform: 'darwin', expected: '/home/ada/Library/Caches/ferry' },
  ];
  for (const { name, env, platform, expected } of cases) it(name, () => assert.equal(ferryCacheDir({ env, platform, home }), expected));
});
