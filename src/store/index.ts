export type { AppendResult, ByteSource } from '../uploads/upload-store.js';
export { FerryStore } from './ferry-store.js';
export type { ByteRange, DamagedUploadReport, Download, FerryStoreOptions, StoreObserver, StoreStats } from './types.js';
