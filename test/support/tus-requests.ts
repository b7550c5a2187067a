import { request } from 'node:http';

/** Small raw tus 1.0.0 requests for tests, with node's fetch. */
export const TUS = { 'Tus-Resumable': '1.0.0' } as const;

export async function createUpload(baseUrl: string, length: number, metadata = ''): Promise<string> {
  const response = await fetch(`${baseUrl}/files/`, {
    method: 'POST',
    headers: { ...TUS, 'Upload-Length': String(length), ...(metadata ? { 'Upload-Metadata': metadata } : {}) },
  });
  if (response.status !== 201) throw new Error(`create failed: ${response.status} ${await response.text()}`);
  return new URL(response.headers.get('location')!, `${baseUrl}/files/`).href;
}

export async function headOffset(uploadUrl: string): Promise<number> {
  const response = await fetch(uploadUrl, { method: 'HEAD', headers: TUS });
  if (response.status !== 200) throw new Error(`HEAD failed: ${response.status}`);
  return Number(response.headers.get('upload-offset'));
}

export interface OpenPatch {
  /** Write more of the body. */
  write(data: Buffer): Promise<void>;
  /** End the body and resolve with the response status and Upload-Offset. */
  finish(data?: Buffer): Promise<{ status: number; offset: number | undefined }>;
  /** The response, whenever it arrives (also when the server cuts the request). */
  response: Promise<{ status: number; offset: number | undefined } | Error>;
  destroy(): void;
}

/** A PATCH whose body the test sends piece by piece, with a declared Content-Length. */
export function openPatch(uploadUrl: string, offset: number, contentLength: number): OpenPatch {
  const req = request(uploadUrl, {
    method: 'PATCH',
    headers: { ...TUS, 'Upload-Offset': String(offset), 'Content-Type': 'application/offset+octet-stream', 'Content-Length': String(contentLength) },
  });
  const response = new Promise<{ status: number; offset: number | undefined } | Error>((resolve) => {
    req.on('response', (res) => {
      res.resume();
      res.on('end', () =>
        resolve({ status: res.statusCode!, offset: res.headers['upload-offset'] === undefined ? undefined : Number(res.headers['upload-offset']) }),
      );
    });
    req.on('error', resolve);
  });
  const write = (data: Buffer) => new Promise<void>((resolve, reject) => req.write(data, (error) => (error ? reject(error) : resolve())));
  return {
    write,
    async finish(data) {
      if (data) await write(data);
      req.end();
      const result = await response;
      if (result instanceof Error) throw result;
      return result;
    },
    response,
    destroy: () => req.destroy(),
  };
}

/** Polls `check` until it returns true, or fails after `timeoutMs`. No fixed sleeps in tests: this waits on a condition. */
export async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
