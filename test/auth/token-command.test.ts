import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { jwtVerify } from 'jose';
import { runFerry, startFerry } from '../support/ferry-process.js';
import { makeTempDir } from '../support/temp-dir.js';
import { SECRET, secretKey } from './auth-fixtures.js';

/** A `ferry serve` process until it logs "listening"; then SIGTERM, and its whole output. */
async function serveOnce(args: string[], env: Record<string, string>, whileServing: (url: string) => Promise<void> = async () => undefined) {
  const command = startFerry(['--port', '0', '--data-dir', await makeTempDir(), ...args], { FERRY_LOG_LEVEL: 'info', ...env });
  const listening = JSON.parse(await command.waitForLine(/"msg":"listening"/)) as { url: string };
  try {
    await whileServing(listening.url);
  } finally {
    command.child.kill('SIGTERM');
  }
  return command.result;
}

describe('ferry token', () => {
  it('mints a token that a real ferry with FERRY_AUTH=jwt accepts (POST 201), and refuses without it (401)', async () => {
    const minted = await runFerry(['token', '--sub', 'alice', '--ttl', '1h', '--scope', 'upload,download', '--max-size', '1KiB', '--schemas', 'people'], {
      FERRY_JWT_SECRET: SECRET,
    });
    assert.equal(minted.code, 0, minted.stderr);
    const token = minted.stdout.trim();
    assert.equal(minted.stdout, `${token}\n`, 'the token only, on one line');
    const { payload, protectedHeader } = await jwtVerify(token, secretKey(SECRET));
    assert.equal(protectedHeader.alg, 'HS256');
    assert.equal(payload.sub, 'alice');
    assert.deepEqual(payload.ferry_actions, ['upload', 'download']);
    assert.equal(payload.ferry_max_size, 1024);
    assert.deepEqual(payload.ferry_schemas, ['people']);
    assert.equal((payload.exp as number) - (payload.iat as number), 3600);

    await serveOnce([], { FERRY_AUTH: 'jwt', FERRY_JWT_SECRET: SECRET }, async (url) => {
      const created = await fetch(`${url}/files/`, {
        method: 'POST',
        headers: { 'Tus-Resumable': '1.0.0', 'Upload-Length': '5', Authorization: `Bearer ${token}` },
      });
      assert.equal(created.status, 201);
      const refused = await fetch(`${url}/files/`, { method: 'POST', headers: { 'Tus-Resumable': '1.0.0', 'Upload-Length': '5' } });
      assert.equal(refused.status, 401);
      assert.equal(refused.headers.get('www-authenticate'), 'Bearer realm="ferry"');
    });
  });

  it('--admin alone makes an admin token', async () => {
    const minted = await runFerry(['token', '--sub', 'root', '--admin'], { FERRY_JWT_SECRET: SECRET });
    assert.equal(minted.code, 0, minted.stderr);
    const { payload } = await jwtVerify(minted.stdout.trim(), secretKey(SECRET));
    assert.deepEqual(payload.ferry_actions, ['admin']);
  });

  for (const { name, args, env, message } of [
    { name: 'no secret', args: ['--sub', 'alice'], env: {}, message: /FERRY_JWT_SECRET \(or --jwt-secret\) is needed/ },
    { name: 'no --sub', args: [], env: { FERRY_JWT_SECRET: SECRET }, message: /--sub is needed/ },
    { name: 'a short secret', args: ['--sub', 'alice'], env: { FERRY_JWT_SECRET: 'short-secret-value' }, message: /at least 32 bytes/ },
    {
      name: 'an unknown action',
      args: ['--sub', 'alice', '--scope', 'upload,root'],
      env: { FERRY_JWT_SECRET: SECRET },
      message: /--scope: give some of upload/,
    },
    { name: 'a bad lifetime', args: ['--sub', 'alice', '--ttl', 'forever'], env: { FERRY_JWT_SECRET: SECRET }, message: /--ttl: "forever" is not a lifetime/ },
  ]) {
    it(`exits 2 with one line for ${name}, never printing the secret`, async () => {
      const result = await runFerry(['token', ...args], { FERRY_JWT_SECRET: '', ...env });
      assert.equal(result.code, 2);
      assert.equal(result.stdout, '');
      assert.match(result.stderr, /^ferry token: .*\n$/);
      assert.match(result.stderr, message);
      for (const secret of Object.values(env)) assert.ok(!result.stderr.includes(secret));
    });
  }

  it('is in ferry --help, and has its own --help', async () => {
    assert.match((await runFerry(['--help'])).stdout, /ferry token --sub <owner>/);
    const help = await runFerry(['token', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /--scope <actions>/);
  });
});

describe('ferry serve and authentication', () => {
  it('exits 2 with every authentication problem in one message', async () => {
    const result = await runFerry(['--auth', 'jwt', '--jwt-algorithms', 'none'], { FERRY_JWT_SECRET: '' });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /^ferry: invalid configuration:\n/);
    assert.match(result.stderr, /FERRY_JWT_ALGORITHMS .*"none" is never accepted/);
    assert.match(result.stderr, /FERRY_AUTH .*is jwt: give one key source/);
  });

  it('warns (log line at warn and stderr) when it listens beyond loopback with FERRY_AUTH=none, not on loopback or with jwt', async () => {
    const open = await serveOnce(['--host', '0.0.0.0'], {});
    assert.match(open.stderr, /^ferry: warning: authentication is off \(FERRY_AUTH=none\) and ferry listens beyond this machine/m);
    const warning = open.stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { level: number; msg: string; host?: string })
      .find((line) => line.level === 40);
    assert.equal(warning?.host, '0.0.0.0');
    assert.match(warning?.msg ?? '', /set FERRY_AUTH=jwt/);

    for (const [args, env] of [
      [[], {}],
      [['--host', '0.0.0.0'], { FERRY_AUTH: 'jwt', FERRY_JWT_SECRET: SECRET }],
    ] as const) {
      const quiet = await serveOnce([...args], env);
      assert.doesNotMatch(quiet.stderr, /warning/);
      assert.doesNotMatch(quiet.stdout, /"level":40/);
    }
  });
});
