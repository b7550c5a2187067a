/**
 * Who runs the work only one instance at a time may run: the expiry sweep and start-up
 * recovery (final assembly, interrupted and missed imports). One process is always its own
 * leader; in a cluster, the instance holding the leader lease in Redis (leader-lease.ts).
 */
export interface Leadership {
  /** True while this instance is the leader; asked before each run of that work. */
  isLeader(): boolean;
  /** Gives leadership up, so another instance can take it at once. */
  close(): Promise<void>;
}

/** One process: the leader from the start to the end. */
export const SOLE_LEADER: Leadership = { isLeader: () => true, close: async () => undefined };

/** A cluster instance that does not contend yet (before listen()): never the leader. */
export const NOT_CONTENDING: Leadership = { isLeader: () => false, close: async () => undefined };
