const MiB = 1024 * 1024;

/**
 * About 256 KiB of CSV that ends with a line break: quoted fields with delimiters and
 * escaped quotes, now and then a multi-line field and a bad quote (so the resync path runs).
 */
export function makeBlock(): Buffer {
  const lines: string[] = [];
  const text = 'lorem ipsum dolor sit amet '.repeat(8);
  for (let index = 0; lines.length * 300 < 256 * 1024; index += 1) {
    lines.push(`${index},"name ${index}, with a comma",${index / 4},2024-05-${(index % 28) + 1},"said ""hi""",${text}`);
    if (index % 200 === 0) lines.push(`${index},"two\nlines",1,2024-01-01,x,y`, `${index},"bad"quote,1,2024-01-01,x,y`);
  }
  return Buffer.from(`${lines.join('\n')}\n`);
}

/** How many blocks make `mebibytes` MiB. */
export function blockCount(mebibytes: number): number {
  return Math.ceil((mebibytes * MiB) / makeBlock().length);
}

/** The block `count` times. */
export async function* blocks(count: number): AsyncGenerator<Uint8Array> {
  const block = makeBlock();
  for (let index = 0; index < count; index += 1) yield block;
}

/** A header, one line of `mebibytes` MiB of commas (no line break in it), one more record. */
export async function* commas(mebibytes: number): AsyncGenerator<Uint8Array> {
  const chunk = Buffer.alloc(MiB, ',');
  yield Buffer.from('a,b\n');
  for (let index = 0; index < mebibytes; index += 1) yield chunk;
  yield Buffer.from('\n1,2\n');
}
