/**
 * The final uploads not assembled yet, and the partial uploads each waits for, in memory:
 * built from the info files at start-up (FerryStore.recoverFinals) and kept in step as
 * finals are created, assembled and deleted. It answers, without reading a file, which
 * finals a partial that just finished may complete, and which partials must not be
 * deleted (terminated or expired) because a final still needs them.
 */
export class PendingFinals {
  /** Final id → the distinct partial ids it waits for. */
  readonly #partsOf = new Map<string, Set<string>>();
  /** Partial id → the finals waiting for it. */
  readonly #finalsOf = new Map<string, Set<string>>();

  /** Records that `finalId` waits for `partId`. */
  add(finalId: string, partId: string): void {
    addTo(this.#partsOf, finalId, partId);
    addTo(this.#finalsOf, partId, finalId);
  }

  /** Forgets `finalId` (assembled or deleted); true if it was pending. */
  delete(finalId: string): boolean {
    const parts = this.#partsOf.get(finalId);
    if (parts === undefined) return false;
    this.#partsOf.delete(finalId);
    for (const partId of parts) {
      const finals = this.#finalsOf.get(partId);
      finals?.delete(finalId);
      if (finals?.size === 0) this.#finalsOf.delete(partId);
    }
    return true;
  }

  /** The finals waiting for `partId`. */
  waitingOn(partId: string): string[] {
    return [...(this.#finalsOf.get(partId) ?? [])];
  }

  /** Whether some final not assembled yet needs `partId`. */
  isNeeded(partId: string): boolean {
    return this.#finalsOf.has(partId);
  }
}

function addTo(map: Map<string, Set<string>>, key: string, value: string): void {
  const values = map.get(key);
  if (values === undefined) map.set(key, new Set([value]));
  else values.add(value);
}
