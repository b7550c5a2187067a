/** Text is handed to the socket in pieces of about this many characters. */
const PIECE_CHARACTERS = 64 * 1024;

/**
 * A pull-based byte stream of UTF-8 text from `lines`: a piece is read only when the
 * client takes the previous one, so a large response never sits in memory. A client that
 * goes away cancels it, which ends `lines` (its files close).
 */
export function createTextStream(lines: AsyncIterable<string>): ReadableStream<Uint8Array> {
  const iterator = lines[Symbol.asyncIterator]();
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        let piece = '';
        while (piece.length < PIECE_CHARACTERS) {
          const next = await iterator.next();
          if (next.done === true) {
            if (piece !== '') controller.enqueue(encoder.encode(piece));
            controller.close();
            return;
          }
          piece += next.value;
        }
        controller.enqueue(encoder.encode(piece));
      },
      async cancel() {
        await iterator.return?.();
      },
    },
    { highWaterMark: 0 },
  );
}
