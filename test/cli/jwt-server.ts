import { mintToken } from '../../src/auth/mint-token.js';

/** The shared secret of the test servers (FERRY_JWT_SECRET wants at least 32 bytes). */
export const JWT_SECRET = 'test-secret-for-ferry-clients-0123456789abcdef';

/** The environment of a ferry with FERRY_AUTH=jwt; bad tokens are tested on purpose, so failures are not rate-limited. */
export const JWT_ENV: Record<string, string> = {
  FERRY_AUTH: 'jwt',
  FERRY_JWT_SECRET: JWT_SECRET,
  FERRY_RATE_AUTH_FAILURES_PER_MINUTE: '0',
};

/** A token for `subject`, signed with the test servers' secret, valid for ten minutes. */
export function tokenFor(subject: string, ttlSeconds = 600): Promise<string> {
  return mintToken({ secret: JWT_SECRET, subject, ttlSeconds });
}

/** The status of HEAD <uploadUrl> with `token`: 200 for its owner, 404 for anyone else. */
export async function headStatus(uploadUrl: string, token: string): Promise<number> {
  const response = await fetch(uploadUrl, { method: 'HEAD', headers: { 'Tus-Resumable': '1.0.0', Authorization: `Bearer ${token}` } });
  return response.status;
}

/** The bytes behind a signed download link, asked for with `token` (POST /files/<id>/link). */
export async function downloadWithLink(uploadUrl: string, token: string): Promise<Buffer> {
  const linkResponse = await fetch(`${uploadUrl}/link`, { method: 'POST', headers: { Authorization: `Bearer ${token}` } });
  if (linkResponse.status !== 200) throw new Error(`POST ${uploadUrl}/link: ${linkResponse.status}`);
  const { url } = (await linkResponse.json()) as { url: string };
  const download = await fetch(new URL(url, uploadUrl));
  if (download.status !== 200) throw new Error(`GET ${url}: ${download.status}`);
  return Buffer.from(await download.arrayBuffer());
}
