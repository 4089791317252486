// The source status page's reading of GET /api/exchange/sources: one state per source, problems first, counts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { countSources, errorRecovered, sortSources, sourceState, type AdapterHealth, type SourceStatus } from '../../src/web/exchange/sourceState.js';

function health(over: Partial<AdapterHealth> = {}): AdapterHealth {
  return {
    kind: 'sql',
    status: 'unknown',
    lastSuccessAt: null,
    lastErrorAt: null,
    lastError: null,
    consecutiveFailures: 0,
    breaker: { state: 'closed', openUntil: null },
    reads: { ok: 0, notFound: 0, failed: 0, rejectedByBreaker: 0 },
    quality: [],
    source: {},
    ...over,
  };
}

function source(resource: string, h: AdapterHealth | null, served = true): SourceStatus {
  return { resource, name: resource, nameEn: resource, department: 'd', sourceSystem: 's', adapter: `a.${resource}`, served, health: h };
}

test('source states: not served → unconfigured, the adapter status otherwise, no record → unknown; problems first, then by id; counts', () => {
  const list = [
    source('a.ok', health({ status: 'ok' })),
    source('b.unknown', health()),
    source('c.none', null),
    source('d.down', health({ status: 'down' })),
    source('e.unserved', null, false),
    source('f.degraded', health({ status: 'degraded', quality: ['x.csv line 3: 2 fields, expected 4'] })),
    source('a.down', health({ status: 'down' })),
  ];
  assert.deepEqual(
    list.map((s) => sourceState(s)),
    ['ok', 'unknown', 'unknown', 'down', 'unconfigured', 'degraded', 'down'],
  );
  assert.deepEqual(
    sortSources(list).map((s) => s.resource),
    ['a.down', 'd.down', 'e.unserved', 'f.degraded', 'b.unknown', 'c.none', 'a.ok'],
  );
  assert.deepEqual(countSources(list), { down: 2, unconfigured: 1, degraded: 1, unknown: 2, ok: 1 });
  assert.deepEqual(countSources([]), { down: 0, unconfigured: 0, degraded: 0, unknown: 0, ok: 0 });
  assert.equal(list[0]!.resource, 'a.ok', 'sorting does not change the list it is given');
});

test('a last error is history once a later read succeeded', () => {
  assert.equal(errorRecovered(health({ lastErrorAt: '2026-11-24T10:00:00.000Z', lastSuccessAt: '2026-11-24T10:05:00.000Z' })), true);
  assert.equal(errorRecovered(health({ lastErrorAt: '2026-11-24T10:05:00.000Z', lastSuccessAt: '2026-11-24T10:00:00.000Z' })), false);
  assert.equal(errorRecovered(health({ lastErrorAt: '2026-11-24T10:05:00.000Z' })), false);
  assert.equal(errorRecovered(health({ lastSuccessAt: '2026-11-24T10:05:00.000Z' })), false);
});
