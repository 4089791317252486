import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { execSync } from 'node:child_process';
import { catalogProblems, flattenKeys } from '../../src/web/i18n/keys.js';

const load = (name: string) => JSON.parse(readFileSync(new URL(`../../src/web/i18n/${name}.json`, import.meta.url), 'utf8'));

test('the zh-CN and en catalogs have the same keys, no empty strings and the same placeholders', () => {
  const zh = load('zh-CN');
  const en = load('en');
  assert.deepEqual(catalogProblems(zh, en), []);
  assert.ok(flattenKeys(zh).length > 50);
});

test('every t() key used in the UI exists in the catalogs', () => {
  const zh = new Set(flattenKeys(load('zh-CN')));
  const src = execSync("grep -rhoE \"\\bt\\('[a-zA-Z0-9_.]+'\" src/web --include=*.tsx --include=*.ts", { encoding: 'utf8' });
  const used = [...new Set(src.split('\n').filter(Boolean).map((m) => m.slice(3, -1)))];
  assert.ok(used.length > 20);
  const missing = used.filter((k) => !zh.has(k) && ![...zh].some((z) => z.startsWith(`${k}_`) || z.startsWith(`${k}.`)));
  assert.deepEqual(missing, []);
});
