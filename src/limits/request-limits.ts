import { RateLimiterRes } from 'rate-limiter-flexible';
import type { ErrorCode } from '../errors/catalogue.js';
import { createMemoryLimiter, type LimiterFactory } from './limiter-factory.js';
import { type RateState, rateLimited, wholeSeconds } from './rate-policy.js';

export interface RequestLimitsOptions {
  /** FERRY_RATE_CREATES_PER_MINUTE; 0: off. */
  createsPerMinute: number;
  /** FERRY_RATE_REQUESTS_PER_SECOND; 0: off. */
  requestsPerSecond: number;
  /** FERRY_RATE_CONCURRENT_PATCHES: uploads a subject may write at once; 0: off. */
  concurrentPatches: number;
  /** The creations window (tests shorten it); default one minute. */
  createWindowMs?: number;
  /** The requests window; default one second. */
  requestWindowMs?: number;
  limiterFactory?: LimiterFactory;
}

/** The rate limits of /files and /imports, per subject (see subjectOf). */
export interface RequestLimits {
  /** Counts a request; RATE_REQUESTS_EXCEEDED (429) when the subject's window is spent. Undefined when off. */
  request(subject: string): Promise<RateState | undefined>;
  /** Counts an upload creation; RATE_CREATES_EXCEEDED (429). Undefined when off. */
  creation(subject: string): Promise<RateState | undefined>;
  /**
   * A PATCH begins on `uploadId`: resolves with the function that ends it, or
   * RATE_CONCURRENT_PATCHES_EXCEEDED (429) when the subject already writes as many uploads
   * as allowed. A second PATCH to an upload the subject is writing does not count again (it
   * takes over the upload's lock from a stalled one: resuming must never be refused).
   */
  patch(subject: string, uploadId: string): Promise<() => void>;
}

/** How long a refused PATCH is told to wait: a slot frees when another upload's PATCH ends. */
const CONCURRENCY_RETRY_SECONDS = 1;

export function createRequestLimits({
  createsPerMinute,
  requestsPerSecond,
  concurrentPatches,
  createWindowMs = 60_000,
  requestWindowMs = 1000,
  limiterFactory = createMemoryLimiter,
}: RequestLimitsOptions): RequestLimits {
  const requests = requestsPerSecond > 0 ? limiterFactory({ keyPrefix: 'ferry:requests', points: requestsPerSecond, windowMs: requestWindowMs }) : undefined;
  const creations = createsPerMinute > 0 ? limiterFactory({ keyPrefix: 'ferry:creates', points: createsPerMinute, windowMs: createWindowMs }) : undefined;
  const writing = concurrentPatches > 0 ? limiterFactory({ keyPrefix: 'ferry:patches', points: concurrentPatches, windowMs: 0 }) : undefined;
  /** PATCHes in flight per subject and upload, in this process. */
  const inFlight = new Map<string, number>();

  async function consume(
    limiter: ReturnType<LimiterFactory> | undefined,
    subject: string,
    policy: string,
    code: ErrorCode,
    windowMs: number,
  ): Promise<RateState | undefined> {
    if (limiter === undefined) return undefined;
    const state = (result: RateLimiterRes): RateState => ({
      policy,
      quota: limiter.points,
      windowSeconds: wholeSeconds(windowMs),
      remaining: result.remainingPoints,
      resetSeconds: wholeSeconds(result.msBeforeNext),
    });
    try {
      return state(await limiter.consume(subject));
    } catch (refusal) {
      if (refusal instanceof RateLimiterRes) throw rateLimited(code, state(refusal));
      throw refusal;
    }
  }

  return {
    request: (subject) => consume(requests, subject, 'requests', 'RATE_REQUESTS_EXCEEDED', requestWindowMs),
    creation: (subject) => consume(creations, subject, 'creates', 'RATE_CREATES_EXCEEDED', createWindowMs),

    async patch(subject, uploadId) {
      if (writing === undefined) return () => undefined;
      const key = `${subject}\n${uploadId}`;
      const running = inFlight.get(key) ?? 0;
      if (running === 0) {
        try {
          await writing.consume(subject);
        } catch (refusal) {
          if (!(refusal instanceof RateLimiterRes)) throw refusal;
          // A refused consume still counted its point: give it back.
          await writing.reward(subject);
          throw rateLimited('RATE_CONCURRENT_PATCHES_EXCEEDED', {
            policy: 'patches',
            quota: writing.points,
            windowSeconds: CONCURRENCY_RETRY_SECONDS,
            remaining: 0,
            resetSeconds: CONCURRENCY_RETRY_SECONDS,
          });
        }
      }
      inFlight.set(key, (inFlight.get(key) ?? 0) + 1);
      let ended = false;
      return () => {
        if (ended) return;
        ended = true;
        const left = (inFlight.get(key) ?? 1) - 1;
        if (left > 0) {
          inFlight.set(key, left);
          return;
        }
        inFlight.delete(key);
        writing.reward(subject).catch(() => undefined);
      };
    },
  };
}
