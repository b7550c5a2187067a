import { CHECKSUM_ALGORITHM_NAMES } from './checksum-algorithms.js';

/**
 * The tus extensions ferry's own handlers implement on top of the store's (creation,
 * termination, expiration, ... declared by FerryStore). One list, so OPTIONS says
 * exactly what the handlers do.
 */
const HANDLER_EXTENSIONS: readonly string[] = ['checksum', 'checksum-trailer'];

/**
 * The discovery headers of a successful OPTIONS: Tus-Extension (the store's extensions,
 * then the handlers'), and Tus-Checksum-Algorithm, which MUST be included in the response
 * to an OPTIONS request when the checksum extension is supported.
 */
export function discoveryHeaders(storeExtensions: readonly string[]): Record<string, string> {
  return {
    'Tus-Extension': [...storeExtensions, ...HANDLER_EXTENSIONS].join(','),
    'Tus-Checksum-Algorithm': CHECKSUM_ALGORITHM_NAMES.join(','),
  };
}
