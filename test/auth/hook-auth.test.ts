import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, test } from 'node:test';
import type { HookRequest } from '../../src/auth/hook-client.js';
import type { Config } from '../../src/config/settings.js';
import { metadataHeader, OCTET, startFerry, type TestFerry, TUS } from '../http/harness.js';

type HookHandler = (request: HookRequest, response: ServerResponse) => void;

interface TestHook {
  url: string;
  calls: HookRequest[];
}

/** A hook on 127.0.0.1: records each request's JSON body, then lets `handle` answer. */
async function startHook(handle: HookHandler): Promise<TestHook> {
  const calls: HookRequest[] = [];
  const server = createServer(async (request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as HookRequest;
    calls.push(body);
    handle(body, response);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  after(() => {
    server.closeAllConnections();
    server.close();
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, calls };
}

function answer(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
}

function startHookFerry(url: string, overrides: Partial<Config> = {}): Promise<TestFerry> {
  return startFerry({ auth: 'hook', authHookUrl: url, ...overrides });
}

/** The owner named by each Authorization value. */
const OWNERS: Record<string, string> = { 'Bearer alice-token': 'alice', 'Bearer bob-token': 'bob' };
const ALICE = { Authorization: 'Bearer alice-token' };
const BOB = { Authorization: 'Bearer bob-token' };

const ownerHook: HookHandler = (request, response) => {
  const owner = OWNERS[request.headers.authorization ?? ''];
  if (owner === undefined) answer(response, 401, { message: 'Who are you?' });
  else answer(response, 200, { allow: true, owner });
};

describe('FERRY_AUTH=hook', () => {
  test('an allowed creation: the hook hears the action, declared upload and forwarded headers, never OPTIONS', async () => {
    const hook = await startHook(ownerHook);
    const ferry = await startHookFerry(hook.url);
    const metadata = metadataHeader({ filename: 'a.txt' });
    const created = await ferry
      .http()
      .post('/files/')
      .set({ ...TUS, ...ALICE, Cookie: 'session=s3cret', 'X-Other': 'not forwarded', 'Upload-Length': '5', 'Upload-Metadata': metadata });
    assert.equal(created.status, 201, created.text);
    assert.deepEqual(hook.calls, [
      {
        action: 'create',
        upload: { size: 5, metadata: { filename: 'a.txt' } },
        headers: { authorization: 'Bearer alice-token', cookie: 'session=s3cret' },
      },
    ]);
    const location = created.headers.location as string;
    const id = location.split('/').pop();
    const patched = await ferry
      .http()
      .patch(location)
      .set({ ...TUS, ...OCTET, ...ALICE, 'Upload-Offset': '0' })
      .send(Buffer.from('hello'));
    assert.equal(patched.status, 204, patched.text);
    assert.deepEqual(hook.calls[1], { action: 'resume', upload: { id }, headers: { authorization: 'Bearer alice-token' } });
    const options = await ferry.http().options('/files/').set(TUS);
    assert.equal(options.status, 204);
    const download = await ferry.http().get(location).set(ALICE);
    assert.equal(download.status, 200);
    assert.equal(hook.calls.length, 3);
    assert.equal(hook.calls[2].action, 'download');
    const logged = JSON.stringify(ferry.logs);
    assert.ok(!logged.includes('alice-token') && !logged.includes('s3cret'), 'no forwarded header value is logged');
  });

  test('a refusal passes the hook’s 4xx status and message through; any other status is 403', async () => {
    const hook = await startHook((request, response) => {
      if (request.headers.authorization === 'Bearer teapot') answer(response, 200, { allow: false, status: 500, message: 'Nope.' });
      else answer(response, 402, { message: 'Pay first.' });
    });
    const ferry = await startHookFerry(hook.url);
    const refused = await ferry
      .http()
      .post('/files/')
      .set({ ...TUS, Authorization: 'Bearer broke', 'Upload-Length': '5' });
    assert.equal(refused.status, 402);
    assert.equal(refused.headers['tus-resumable'], '1.0.0');
    assert.deepEqual(refused.body, { error: { code: 'AUTH_HOOK_DENIED', message: 'Pay first.' } });
    const forbidden = await ferry
      .http()
      .post('/files/')
      .set({ ...TUS, Authorization: 'Bearer teapot', 'Upload-Length': '5' });
    assert.equal(forbidden.status, 403);
    assert.deepEqual(forbidden.body, { error: { code: 'AUTH_HOOK_DENIED', message: 'Nope.' } });
    const imports = await ferry.http().get('/imports/some-id').set({ Authorization: 'Bearer broke' });
    assert.equal(imports.status, 402);
    assert.equal(hook.calls.at(-1)?.action, 'read-report');
  });

  test('the owner the hook names owns the upload: another owner gets 404', async () => {
    const hook = await startHook(ownerHook);
    const ferry = await startHookFerry(hook.url);
    const created = await ferry
      .http()
      .post('/files/')
      .set({ ...TUS, ...ALICE, 'Upload-Length': '5' });
    assert.equal(created.status, 201, created.text);
    const location = created.headers.location as string;
    const mine = await ferry
      .http()
      .head(location)
      .set({ ...TUS, ...ALICE });
    assert.equal(mine.status, 200);
    const theirs = await ferry
      .http()
      .head(location)
      .set({ ...TUS, ...BOB });
    assert.equal(theirs.status, 404);
    const deleted = await ferry
      .http()
      .delete(location)
      .set({ ...TUS, ...BOB });
    assert.equal(deleted.status, 404);
    assert.equal(hook.calls.at(-1)?.action, 'delete');
  });

  test('metadata the hook sets at creation is what the upload stores', async () => {
    const hook = await startHook((_request, response) =>
      answer(response, 200, { allow: true, owner: 'alice', metadata: { filename: 'renamed.txt', tenant: 'acme' } }),
    );
    const ferry = await startHookFerry(hook.url);
    const created = await ferry
      .http()
      .post('/files/')
      .set({ ...TUS, ...ALICE, 'Upload-Length': '5', 'Upload-Metadata': metadataHeader({ filename: 'a.txt', secret: 'x' }) });
    assert.equal(created.status, 201, created.text);
    const head = await ferry
      .http()
      .head(created.headers.location as string)
      .set({ ...TUS, ...ALICE });
    assert.equal(head.status, 200);
    assert.equal(head.headers['upload-metadata'], metadataHeader({ filename: 'renamed.txt', tenant: 'acme' }));
  });

  test('a hook that is down fails closed: 503 with Retry-After', async () => {
    const closed = createServer();
    closed.listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const port = (closed.address() as AddressInfo).port;
    closed.close();
    await once(closed, 'close');
    const ferry = await startHookFerry(`http://127.0.0.1:${port}/hook`);
    const response = await ferry
      .http()
      .post('/files/')
      .set({ ...TUS, ...ALICE, 'Upload-Length': '5' });
    assert.equal(response.status, 503);
    assert.equal(response.headers['retry-after'], '1');
    assert.equal(response.body.error.code, 'AUTH_HOOK_UNAVAILABLE');
  });

  test('a hook that is too slow is asked twice, then the request is refused with 503', async () => {
    // Never answers: each attempt ends at the timeout.
    const hook = await startHook(() => undefined);
    const ferry = await startHookFerry(hook.url, { authHookTimeoutMs: 200 });
    const response = await ferry
      .http()
      .post('/files/')
      .set({ ...TUS, ...ALICE, 'Upload-Length': '5' });
    assert.equal(response.status, 503);
    assert.equal(response.headers['retry-after'], '1');
    assert.equal(hook.calls.length, 2);
  });

  test('a 5xx or an answer that is not the documented JSON is unavailable, not allowed', async () => {
    const hook = await startHook((request, response) => {
      if (request.headers.authorization === 'Bearer garbage') response.writeHead(200).end('yes please');
      else answer(response, 500, { allow: true });
    });
    const ferry = await startHookFerry(hook.url);
    for (const Authorization of ['Bearer garbage', 'Bearer broken']) {
      const response = await ferry
        .http()
        .post('/files/')
        .set({ ...TUS, Authorization, 'Upload-Length': '5' });
      assert.equal(response.status, 503, Authorization);
    }
    assert.equal(hook.calls.length, 4, 'each is tried once more');
  });

  test('answers are reused per credential, upload and action: many PATCHes ask once', async () => {
    const hook = await startHook(ownerHook);
    const ferry = await startHookFerry(hook.url, { authHookCacheMs: 60_000 });
    const chunks = 10;
    const created = await ferry
      .http()
      .post('/files/')
      .set({ ...TUS, ...ALICE, 'Upload-Length': String(chunks) });
    assert.equal(created.status, 201, created.text);
    const location = created.headers.location as string;
    for (let offset = 0; offset < chunks; offset += 1) {
      const head = await ferry
        .http()
        .head(location)
        .set({ ...TUS, ...ALICE });
      assert.equal(head.headers['upload-offset'], String(offset));
      const patched = await ferry
        .http()
        .patch(location)
        .set({ ...TUS, ...OCTET, ...ALICE, 'Upload-Offset': String(offset) })
        .send(Buffer.from('x'));
      assert.equal(patched.status, 204, patched.text);
    }
    assert.deepEqual(
      hook.calls.map((call) => call.action),
      ['create', 'resume'],
    );
    // Another credential is another question.
    const theirs = await ferry
      .http()
      .head(location)
      .set({ ...TUS, ...BOB });
    assert.equal(theirs.status, 404);
    assert.equal(hook.calls.length, 3);
  });
});
