import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeOwner, subjectOf, tokenFromFragment } from '../../client/src/session-token.js';
import { canResumeAfter } from '../../client/src/upload-errors.js';
import { mintToken } from '../../src/auth/mint-token.js';

function requestError(status: number): Error {
  const response = { getStatus: () => status, getBody: () => '', getHeader: () => undefined };
  return Object.assign(new Error(`tus: request failed (${status})`), { originalRequest: {}, originalResponse: response, causingError: null });
}

describe("the page's token (pure functions of client/src/session-token.ts, run in Node)", () => {
  it('reads the owner (sub) of a token ferry token would mint, UTF-8 included', async () => {
    const token = await mintToken({ secret: 'a-secret-of-at-least-thirty-two-bytes!!', subject: 'zoë@example.org', ttlSeconds: 60 });
    assert.equal(subjectOf(token), 'zoë@example.org');
    assert.equal(describeOwner(token), 'zoë@example.org');
  });

  it('says anonymous without a token, and does not guess the owner of an unreadable one', () => {
    assert.equal(describeOwner(undefined), 'anonymous');
    for (const token of ['', 'abc', 'a.!!!.c', 'a.e30.c', `a.${Buffer.from('{"sub":42}').toString('base64url')}.c`]) {
      assert.equal(subjectOf(token), undefined, token);
    }
    assert.equal(describeOwner('a.b.c'), 'a token whose owner cannot be read');
  });

  it('takes the token from a #token= fragment only', () => {
    assert.equal(tokenFromFragment('#token=aaa.bbb.ccc'), 'aaa.bbb.ccc');
    assert.equal(tokenFromFragment('#other=1&token=x.y.z'), 'x.y.z');
    assert.equal(tokenFromFragment('#token='), undefined);
    assert.equal(tokenFromFragment(''), undefined);
    assert.equal(tokenFromFragment('#tokens=x'), undefined);
  });

  it('lets Resume retry after a 401 (a new token may have been pasted), not after a 403', () => {
    assert.equal(canResumeAfter(requestError(401)), true);
    assert.equal(canResumeAfter(requestError(403)), false);
    assert.equal(canResumeAfter(requestError(503)), true);
  });
});
