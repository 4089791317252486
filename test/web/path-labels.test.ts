import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { flattenKeys } from '../../src/web/i18n/keys.js';
import { PATH_LABELS, pathLabelKey, RESOURCE_PATH_LABELS } from '../../src/web/catalog/pathLabels.js';

const zh = new Set(flattenKeys(JSON.parse(readFileSync(new URL('../../src/web/i18n/zh-CN.json', import.meta.url), 'utf8'))));

test('every label a catalogue path is named with is in the catalogs', () => {
  const missing = [...Object.values(PATH_LABELS), ...Object.values(RESOURCE_PATH_LABELS)].filter((k) => !zh.has(k));
  assert.deepEqual(missing, []);
});

test('a problem path finds its label, list positions ignored', () => {
  assert.equal(pathLabelKey('department.name'), 'resourceCard.department');
  assert.equal(pathLabelKey('fields[0].label.en'), 'edit.fieldLabelEn');
  assert.equal(pathLabelKey('sharing.methods[2]'), 'resourceCard.methods');
  assert.equal(pathLabelKey('classification.category', RESOURCE_PATH_LABELS), 'edit.category');
  // a resource's name and department are the resource's, not an item's
  assert.equal(pathLabelKey('department', RESOURCE_PATH_LABELS), 'edit.department');
  assert.equal(pathLabelKey('department'), 'guide.department');
  assert.equal(pathLabelKey('nothing.here'), undefined);
});
