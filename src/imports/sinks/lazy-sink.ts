import type { Sink } from '../types.js';

/**
 * A sink opened by its first `begin`: a server that never imports never creates the
 * database file or connects to the database.
 */
export function createLazySink(open: () => Sink): Sink {
  let sink: Sink | undefined;
  return {
    async begin(schema, importId) {
      sink ??= open();
      return sink.begin(schema, importId);
    },
    async committedRows(importId) {
      sink ??= open();
      return sink.committedRows(importId);
    },
    async close() {
      await sink?.close();
    },
  };
}
