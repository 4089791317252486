// The exchange form's 办理事项 suggestions: the items whose 免提交 materials are read from the chosen
// resource come first (this node's 实施清单 says which).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rankServiceItems, resourcesByItem, type ItemEntryLike } from '../../src/web/exchange/serviceItems.js';

type Material = NonNullable<ItemEntryLike['published']>['materials'][number];

/** A catalogue entry as GET /api/catalog/items gives it, reduced to what is read: the version in force (none for a draft). */
function entry(code: string, materials: Material[] | null, working: Material[] = []): ItemEntryLike & { id: string; working: unknown } {
  return { id: code, published: materials ? { code, materials } : null, working: working.length ? { code, materials: working } : null };
}

const fromResource = (resource: string): Material => ({ satisfiedBy: { kind: 'resource', resource } });
const upload: Material = { satisfiedBy: null };
const certificate: Material = { satisfiedBy: { kind: 'certificate' } };

const item = (code: string) => ({ code, name: `事项${code}`, department: 'd' });

test('resourcesByItem: the resources an item in force reads its materials from, a plain id being the own region\'s; drafts and working versions count for nothing', () => {
  const uses = resourcesByItem(
    [
      entry('A', [upload, fromResource('340000:hukou.person'), fromResource('340000:marriage.record')]),
      entry('B', [fromResource('social.pension'), certificate]),
      entry('C', [upload]),
      entry('D', null, [fromResource('340000:hukou.person')]),
      entry('E', [upload], [fromResource('340000:hukou.person')]),
    ],
    '310000',
  );
  assert.deepEqual([...uses.keys()], ['A', 'B']);
  assert.deepEqual([...uses.get('A')!], ['340000:hukou.person', '340000:marriage.record']);
  assert.deepEqual([...uses.get('B')!], ['310000:social.pension']);
});

test('rankServiceItems: with a resource chosen, the items reading from it first (each group in the list\'s order); otherwise the list as it is', () => {
  const items = ['1', '2', '3', '4', '5'].map(item);
  const uses = new Map([
    ['2', new Set(['340000:marriage.record'])],
    ['4', new Set(['340000:hukou.person', '340000:marriage.record'])],
    ['5', new Set(['320000:hukou.person'])],
  ]);
  const codes = (r: ReturnType<typeof rankServiceItems>) => r.map((s) => `${s.item.code}${s.usesResource ? '*' : ''}`);
  assert.deepEqual(codes(rankServiceItems(items, uses, { region: '340000', id: 'hukou.person' })), ['4*', '1', '2', '3', '5'], 'another region\'s hukou.person is another resource');
  assert.deepEqual(codes(rankServiceItems(items, uses, { region: '340000', id: 'marriage.record' })), ['2*', '4*', '1', '3', '5']);
  assert.deepEqual(codes(rankServiceItems(items, uses, { region: '340000', id: 'social.pension' })), ['1', '2', '3', '4', '5'], 'no item reads it');
  assert.deepEqual(codes(rankServiceItems(items, uses, undefined)), ['1', '2', '3', '4', '5']);
  assert.deepEqual(codes(rankServiceItems(items, uses, { region: '340000', id: '' })), ['1', '2', '3', '4', '5'], 'no resource chosen yet');
  assert.deepEqual(codes(rankServiceItems(items, undefined, { region: '340000', id: 'hukou.person' })), ['1', '2', '3', '4', '5'], 'catalogue not loaded');
});
