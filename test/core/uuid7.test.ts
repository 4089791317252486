import { test } from 'node:test';
import assert from 'node:assert/strict';
import { uuidv7, uuidv7Time } from '../../src/core/uuid7.js';

const V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

test('uuidv7: RFC 9562 layout — version 7, variant 10, the millisecond timestamp in the first 48 bits', () => {
  const at = Date.parse('2026-11-24T08:00:00.123Z');
  const id = uuidv7(at);
  assert.match(id, V7);
  assert.equal(uuidv7Time(id), at);
  // the RFC's own example (Appendix A.6) decodes to its timestamp, 2022-02-22T19:22:22.000Z
  assert.equal(uuidv7Time('017f22e2-79b0-7cc3-98c4-dc0c0c07398f'), Date.parse('2022-02-22T19:22:22.000Z'));
  assert.equal(uuidv7Time('3f0c8a4e-8d6b-4f8e-9a51-2c7d0e5b9a10'), undefined, 'a version-4 id carries no time');
});

test('uuidv7: strictly increasing within one process, also within one millisecond and when the clock steps back', () => {
  const ids: string[] = [];
  const t = Date.parse('2026-11-24T08:00:01.000Z');
  for (let i = 0; i < 10_000; i++) ids.push(uuidv7(t)); // one millisecond: the counter, then the next millisecond
  ids.push(uuidv7(t - 5_000)); // the clock went back five seconds
  ids.push(uuidv7(t + 60_000));
  for (let i = 1; i < ids.length; i++) assert.ok(ids[i - 1]! < ids[i]!, `${ids[i - 1]} < ${ids[i]}`);
  assert.equal(new Set(ids).size, ids.length);
  for (const id of ids) assert.match(id, V7);
});

test('uuidv7: the random part differs between ids (62 random bits each)', () => {
  const tails = new Set(Array.from({ length: 1000 }, () => uuidv7().slice(19)));
  assert.equal(tails.size, 1000);
});
