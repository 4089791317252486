// docs/PROTOCOL.md moves with the code: its error table lists exactly the vocabulary in
// src/core/errors.ts, with the same status and messages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ERRORS } from '../../src/core/errors.js';

test('the error vocabulary in docs/PROTOCOL.md matches src/core/errors.ts', () => {
  const doc = readFileSync(new URL('../../docs/PROTOCOL.md', import.meta.url), 'utf8');
  const rows = [...doc.matchAll(/^\| `(E_[A-Z_]+)` \| (\d{3}) \| ([^|]+) \| ([^|]+) \|$/gm)].map((m) => [m[1], Number(m[2]), m[3]!.trim(), m[4]!.trim()]);
  const expected = Object.entries(ERRORS).map(([code, e]) => [code, e.status, e.zh, e.en]);
  assert.deepEqual(rows, expected);
});
