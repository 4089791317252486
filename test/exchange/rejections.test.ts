// The limit on unauthenticated exchange messages per sender address, and what a refused sender is told.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RejectionLimiter } from '../../src/exchange/rejections.js';

test('a sender past its share waits for the rest of its minute; another sender is not affected', () => {
  let now = 1_000_000;
  const limiter = new RejectionLimiter(3, () => now);
  assert.deepEqual([1, 2, 3, 4].map(() => limiter.allow('10.0.0.1')), [true, true, true, false]);
  assert.equal(limiter.retryAfterSeconds('10.0.0.1'), 60);
  now += 45_500;
  assert.equal(limiter.allow('10.0.0.1'), false);
  assert.equal(limiter.retryAfterSeconds('10.0.0.1'), 15, 'rounded up: never 0');
  assert.equal(limiter.allow('10.0.0.2'), true, 'counted per address');
  now += 14_500;
  assert.equal(limiter.allow('10.0.0.1'), true, 'a new minute');
});
