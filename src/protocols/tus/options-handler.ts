import { CHECKSUM_ALGORITHM_NAMES } from '../../uploads/checksum-algorithms.js';
import { TUS_RESUMABLE, TUS_VERSION } from './tus-headers.js';

export interface OptionsHandlerOptions {
  /** Tus-Max-Size; 0 is no limit (the header is left out). */
  maxSize: number;
  /** Unfinished uploads expire (expiration extension). */
  expires: boolean;
}

/** The tus extensions ferry implements, in the order Tus-Extension lists them. */
export function tusExtensions(expires: boolean): string[] {
  return [
    'creation',
    'creation-with-upload',
    'creation-defer-length',
    'termination',
    ...(expires ? ['expiration'] : []),
    'concatenation',
    'concatenation-unfinished',
    'checksum',
    'checksum-trailer',
  ];
}

/**
 * OPTIONS (discovery): a successful response, 204 No Content, MUST contain the Tus-Version
 * header; it MAY include Tus-Extension and Tus-Max-Size. Tus-Checksum-Algorithm MUST be
 * included when the checksum extension is supported. An OPTIONS request needs no Tus-Resumable.
 */
export function createOptionsHandler({ maxSize, expires }: OptionsHandlerOptions): () => Promise<Response> {
  const headers: Record<string, string> = {
    'Tus-Resumable': TUS_RESUMABLE,
    'Tus-Version': TUS_VERSION,
    'Tus-Extension': tusExtensions(expires).join(','),
    'Tus-Checksum-Algorithm': CHECKSUM_ALGORITHM_NAMES.join(','),
  };
  if (maxSize > 0) headers['Tus-Max-Size'] = String(maxSize);
  return async function handleOptions() {
    return new Response(null, { status: 204, headers });
  };
}
