export { FerryStore } from './ferry-store.js';
export { setUploadProtocol, uploadProtocol, type UploadProtocol } from './upload-protocol.js';
export type { AppendResult, ByteRange, ByteSource, Download, FerryStoreOptions, StoreObserver, StoreStats } from './types.js';
export type { StoredUploadRecord } from './upload-files.js';
