import { type ResourceLimits, Worker } from 'node:worker_threads';
import type { ReadWorkerData } from './read-worker-protocol.js';

/**
 * The worker's young generation, in MiB. Its garbage is short-lived (csv-parse's strings,
 * dropped once a piece's batch is posted) and its live data is one piece, so a small
 * nursery costs no measurable time and keeps some 20 MiB of RSS off the import's peak.
 */
const RESOURCE_LIMITS: ResourceLimits = { maxYoungGenerationSizeMb: 8 };

/**
 * Starts read-worker next to this module: `read-worker.js` in the built server, and in
 * development and tests (src/*.ts under tsx) `read-worker.ts`, through a bootstrap that
 * registers tsx in the worker first (a worker does not get the parent's `--import tsx`
 * loader on Node 20).
 */
export function startReadWorker(data: ReadWorkerData): Worker {
  const fromSource = import.meta.url.endsWith('.ts');
  const script = new URL(fromSource ? './read-worker.ts' : './read-worker.js', import.meta.url);
  if (!fromSource) return new Worker(script, { workerData: data, resourceLimits: RESOURCE_LIMITS });
  const tsx = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(script.href)}); });`;
  return new Worker(bootstrap, { eval: true, workerData: data, resourceLimits: RESOURCE_LIMITS });
}
