import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Principal } from '../../src/auth/principal.js';
import { createTokenCache } from '../../src/auth/token-cache.js';

const alice: Principal = { owner: 'alice', admin: false };

describe('the cache of verified tokens', () => {
  it("keeps a principal until the token's exp, and no longer than maxAgeMs", () => {
    let now = 0;
    const cache = createTokenCache({ maxAgeMs: 60_000, now: () => now });
    cache.set('short', alice, 10_000);
    cache.set('long', alice, 3_600_000);
    now = 9_999;
    assert.equal(cache.get('short'), alice);
    now = 10_000;
    assert.equal(cache.get('short'), undefined, 'expired at exp');
    now = 59_999;
    assert.equal(cache.get('long'), alice);
    now = 60_000;
    assert.equal(cache.get('long'), undefined, 'verified again after a minute');
  });

  it('forgets the least recently used token beyond its capacity', () => {
    const cache = createTokenCache({ capacity: 2, now: () => 0 });
    cache.set('a', alice, 1000);
    cache.set('b', alice, 1000);
    assert.equal(cache.get('a'), alice, 'a is now the most recently used');
    cache.set('c', alice, 1000);
    assert.equal(cache.get('b'), undefined);
    assert.equal(cache.get('a'), alice);
    assert.equal(cache.get('c'), alice);
  });
});
