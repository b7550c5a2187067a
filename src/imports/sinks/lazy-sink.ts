import type { Sink } from '../types.js';

/**
 * A sink opened by its first `begin`: a server that never imports never creates the
 * database file or connects to the database.
 */
export function createLazySink(open: () => Sink): Sink {
  let sink: Sink | undefined;
  return {
    async begin(schema) {
      sink ??= open();
      return sink.begin(schema);
    },
    async close() {
      await sink?.close();
    },
  };
}
