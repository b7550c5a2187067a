/**
 * One instance of the import cluster as a child process, for the test that SIGKILLs it
 * mid-import: it opens the FerryStore and an import service on the shared data dir, reports
 * the finished upload FERRY_TEST_UPLOAD_ID (its automatic import goes to the shared queue,
 * where this instance's worker takes it), prints "ready" and runs until it is killed.
 */
import { FerryStore } from '../../../src/store/index.js';
import { type ImportClusterConfig, openClusterImportService } from './import-cluster.js';

const config = JSON.parse(process.env.FERRY_TEST_IMPORT_CLUSTER ?? '') as ImportClusterConfig;
const uploadId = process.env.FERRY_TEST_UPLOAD_ID ?? '';

const store = new FerryStore({
  directory: config.dataDir,
  expirationMs: 0,
  syncIntervalMs: 1000,
  syncAlways: false,
  queueCapacity: 8,
  coalesceBytes: 1024 * 1024,
  idleCloseMs: 30_000,
});
const service = openClusterImportService(config, store);
await service.onUploadFinished(await store.getUpload(uploadId));
process.stdout.write('ready\n');
