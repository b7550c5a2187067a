import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { StoreObserver, StoreStats } from '../store/types.js';

export interface MetricsOptions {
  /** Read at scrape time for the aggregator gauges. */
  storeStats?: () => StoreStats;
  /** Prefix of every ferry metric name. */
  prefix?: string;
  /** The `instance` label of every metric, ferry's and the process ones (cluster mode); none when absent. */
  instance?: string;
}

export interface Metrics {
  /** A registry of its own (never prom-client's global one), with default process metrics. */
  registry: Registry;
  requests: Counter<'method' | 'status'>;
  requestDuration: Histogram<'method' | 'status'>;
  /** Upload bytes read from PATCH bodies. */
  bytesReceived: Counter;
  /** Bytes the store handed to the OS (PATCH and creation-with-upload). */
  bytesWritten: Counter;
  uploadsCreated: Counter;
  uploadsFinished: Counter;
  uploadsTerminated: Counter;
  /** Damaged or unsafe uploads met (each once per process), by error code. */
  uploadsDamaged: Counter<'code'>;
  /** fsync durations; its `_count` is the number of fsyncs. */
  fsyncDuration: Histogram;
  /** Pass to the store: it feeds fsync and write metrics without knowing about prom-client. */
  storeObserver: StoreObserver;
  /** Cluster mode: time to take an upload's lock in Redis (waits for a holder included). */
  lockAcquireDuration: Histogram;
  /** Cluster mode: upload locks lost while held (a lease not renewed in time). */
  locksLost: Counter;
}

const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PATCH', 'DELETE', 'OPTIONS', 'PUT']);

/** The method as a label value, folding anything unusual into one value to bound cardinality. */
export function methodLabel(method: string): string {
  return KNOWN_METHODS.has(method) ? method : 'OTHER';
}

export function createMetrics({ storeStats, prefix = 'ferry_', instance }: MetricsOptions = {}): Metrics {
  const registry = new Registry();
  if (instance !== undefined) registry.setDefaultLabels({ instance });
  collectDefaultMetrics({ register: registry });
  const registers = [registry];

  const storeGauge = (name: string, help: string, read: (stats: StoreStats) => number): Gauge =>
    new Gauge({
      name: `${prefix}${name}`,
      help,
      registers,
      collect() {
        if (storeStats) this.set(read(storeStats()));
      },
    });
  storeGauge('aggregator_queued_items', 'Chunks queued in the upload aggregators.', (stats) => stats.queuedItems);
  storeGauge('aggregator_queued_bytes', 'Bytes queued in the upload aggregators.', (stats) => stats.bytesQueued);
  storeGauge('aggregator_waiting_writers', 'Writers blocked on a full aggregator queue (backpressure).', (stats) => stats.waitingWriters);
  storeGauge('aggregator_waiting_bytes', 'Bytes held by writers blocked on a full aggregator queue.', (stats) => stats.bytesWaiting);
  storeGauge('store_open_uploads', 'Uploads with an open file and aggregator.', (stats) => stats.openUploads);

  const fsyncDuration = new Histogram({
    name: `${prefix}fsync_duration_seconds`,
    help: 'Duration of fsyncs of upload files.',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers,
  });
  const bytesWritten = new Counter({ name: `${prefix}store_bytes_written_total`, help: 'Upload bytes handed to the OS.', registers });
  const uploadsDamaged = new Counter({
    name: `${prefix}uploads_damaged_total`,
    help: 'Uploads found damaged (UPLOAD_INFO_DAMAGED: info file unreadable) or unsafe (UPLOAD_FILE_UNSAFE: a symlink, say), each counted once.',
    labelNames: ['code'],
    registers,
  });

  return {
    registry,
    requests: new Counter({ name: `${prefix}http_requests_total`, help: 'HTTP requests by method and status.', labelNames: ['method', 'status'], registers }),
    requestDuration: new Histogram({
      name: `${prefix}http_request_duration_seconds`,
      help: 'Time to the response headers, by method and status.',
      labelNames: ['method', 'status'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    }),
    bytesReceived: new Counter({ name: `${prefix}upload_bytes_received_total`, help: 'Upload bytes read from PATCH request bodies.', registers }),
    bytesWritten,
    uploadsCreated: new Counter({ name: `${prefix}uploads_created_total`, help: 'Uploads created.', registers }),
    uploadsFinished: new Counter({ name: `${prefix}uploads_finished_total`, help: 'Uploads that reached their length.', registers }),
    uploadsTerminated: new Counter({ name: `${prefix}uploads_terminated_total`, help: 'Uploads terminated by a DELETE.', registers }),
    uploadsDamaged,
    fsyncDuration,
    lockAcquireDuration: new Histogram({
      name: `${prefix}lock_acquire_seconds`,
      help: "Cluster mode: time to take an upload's lock in Redis, waiting for its holder included.",
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
    locksLost: new Counter({ name: `${prefix}locks_lost_total`, help: 'Cluster mode: upload locks lost while held (a lease not renewed in time).', registers }),
    storeObserver: {
      onFsync: (seconds) => fsyncDuration.observe(seconds),
      onBytesWritten: (bytes) => bytesWritten.inc(bytes),
      onUploadDamaged: ({ error, firstMet }) => {
        if (firstMet) uploadsDamaged.inc({ code: error.code });
      },
    },
  };
}
