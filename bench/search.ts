// Unified search (统一搜索) latency over a realistic directory: 20,000 entries from 8 provinces —
// service items as their prefectures' departments implement them (the national cross-province items and
// other common ones, with their materials), data resources of province departments, certificate types —
// loaded through the hub's publication path (signed publications, one per province), then a few hundred
// queries of varied length (1–2 characters, 3+ characters, exact item names, several words, no match,
// browsing), with and without filters, on SQLite (file, WAL) and PostgreSQL. Prints p50/p95/p99.
// Short queries are measured twice: through the gram column (what search uses) and as a plain LIKE scan.
//   node --import tsx bench/search.ts [--entries 20000] [--queries 400] [--engine sqlite,postgres] [--pg postgres://…]
import { parseArgs } from 'node:util';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { sql } from 'kysely';
import { openDatabase, migrateToLatest, type Database, type TongbanDB } from '../src/store/index.js';
import { suiteFor } from '../src/core/crypto/index.js';
import { makeSigner, type Signer } from '../src/core/signed-document.js';
import { prefecturesOf, lookupDivision } from '../src/core/ids/divisions.js';
import { NATIONAL_ITEMS } from '../src/catalog/national-items.js';
import type { CertificateType, CrossMode, DataResource, ServiceItem, SharingType } from '../src/catalog/model.js';
import { entriesOf, type PublishedSet } from '../src/directory/entry.js';
import { buildPublication, verifyDirectory } from '../src/directory/documents.js';
import { applyDirectoryPage } from '../src/directory/node.js';
import { acceptPublication, directoryPage } from '../src/directory/hub.js';
import { directoryFacets, searchDirectory, type SearchOptions, type SearchParams } from '../src/search/query.js';
import { charLength, parseQuery } from '../src/search/text.js';

const { values } = parseArgs({
  allowPositionals: true,
  options: {
    entries: { type: 'string', default: '20000' },
    queries: { type: 'string', default: '400' },
    engine: { type: 'string', default: 'sqlite,postgres' },
    pg: { type: 'string', default: process.env.TONGBAN_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/test' },
    seed: { type: 'string', default: 'tongban-search' },
  },
});
const TOTAL = Number(values.entries);
const QUERIES = Number(values.queries);

// ---- deterministic generator ---------------------------------------------------------------

let state = 0;
for (const c of values.seed!) state = (Math.imul(state, 31) + c.charCodeAt(0)) | 0;
function rand(): number {
  // mulberry32
  state = (state + 0x6d2b79f5) | 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
const some = <T>(xs: readonly T[], n: number): T[] => [...xs].sort(() => rand() - 0.5).slice(0, n);

const PROVINCES = ['310000', '320000', '330000', '340000', '520000', '440000', '510000', '110000'];
const MUNICIPALITY = new Set(['110000', '120000', '310000', '500000']);

/** Department kinds: province-level name (厅 or 局 in a municipality), prefecture-level name, topic. */
const DEPARTMENTS = [
  { prov: '公安厅', muni: '公安局', city: '公安局', topic: 'hukou' },
  { prov: '民政厅', muni: '民政局', city: '民政局', topic: 'civil' },
  { prov: '人力资源和社会保障厅', muni: '人力资源和社会保障局', city: '人力资源和社会保障局', topic: 'hr' },
  { prov: '医疗保障局', muni: '医疗保障局', city: '医疗保障局', topic: 'medical' },
  { prov: '市场监督管理局', muni: '市场监督管理局', city: '市场监督管理局', topic: 'market' },
  { prov: '自然资源厅', muni: '规划和自然资源局', city: '自然资源和规划局', topic: 'land' },
  { prov: '住房和城乡建设厅', muni: '住房和城乡建设管理委员会', city: '住房公积金管理中心', topic: 'housing' },
  { prov: '卫生健康委员会', muni: '卫生健康委员会', city: '卫生健康委员会', topic: 'health' },
  { prov: '教育厅', muni: '教育委员会', city: '教育局', topic: 'education' },
  { prov: '税务局', muni: '税务局', city: '税务局', topic: 'tax' },
  { prov: '交通运输厅', muni: '交通委员会', city: '交通运输局', topic: 'transport' },
  { prov: '司法厅', muni: '司法局', city: '司法局', topic: 'justice' },
  { prov: '退役军人事务厅', muni: '退役军人事务局', city: '退役军人事务局', topic: 'veterans' },
  { prov: '残疾人联合会', muni: '残疾人联合会', city: '残疾人联合会', topic: 'disability' },
] as const;
type Topic = (typeof DEPARTMENTS)[number]['topic'];

/** Service items by topic (national cross-province items from src/catalog/national-items.ts, and common ones). */
const ITEMS: Record<Topic, string[]> = {
  hukou: ['户口迁移(工作调动)', '户口迁移(大中专院校录取学生)', '户口迁移(大中专学生毕业)', '户口迁移(夫妻投靠)', '户口迁移(父母投靠子女)', '开具户籍类证明', '居民身份证换领', '居民身份证补领', '临时居民身份证办理', '居住证申领', '机动车驾驶证补证', '机动车检验标志核发', '出入境证件办理'],
  civil: ['婚姻登记', '结婚登记', '离婚登记', '补领婚姻登记证', '婚姻登记记录证明', '最低生活保障申请', '临时救助申请', '殡葬补贴申领', '社会组织成立登记'],
  hr: ['失业登记', '就业登记', '企业职工基本养老保险关系转移接续', '城乡居民基本养老保险关系转移接续', '职业资格证书核验', '社会保障卡申领', '社会保障卡挂失', '个人权益记录查询打印', '养老保险待遇资格认证', '失业保险金申领', '工伤认定申请'],
  medical: ['异地就医登记备案和结算', '基本医疗保险关系转移接续', '门诊费用跨省直接结算', '医保电子凭证激活', '生育保险待遇核定', '参保信息变更登记', '医疗费用手工报销'],
  market: ['内资企业及分支机构设立登记', '市场主体登记注册', '个体工商户设立登记', '营业执照补领', '企业变更登记', '企业注销登记', '食品经营许可'],
  land: ['不动产抵押登记', '不动产登记资料查询', '不动产转移登记', '不动产首次登记', '预告登记'],
  housing: ['正常退休提取住房公积金', '购房提取住房公积金', '住房公积金单位和个人缴存信息查询', '住房公积金贷款申请', '租房提取住房公积金', '开具住房公积金缴存使用证明'],
  health: ['出生医学证明办理', '护士执业注册', '医师执业注册', '预防接种证查验', '计划生育服务登记'],
  education: ['学历公证', '学籍证明开具', '教师资格认定', '普通高中学业水平考试成绩证明', '高等学校毕业生就业报到'],
  tax: ['个人所得税纳税记录开具', '发票代开', '税务注销', '跨区域涉税事项报告', '完税证明开具'],
  transport: ['道路运输从业人员从业资格证补发', '出租汽车驾驶员从业资格证注册', '道路运输证换发', '船员证书签发'],
  justice: ['机动车驾驶证公证', '学历公证', '法律援助申请', '公证书补发', '律师执业证核验'],
  veterans: ['退役军人优待证申领', '退役士兵自主就业一次性经济补助申领', '烈士褒扬金发放'],
  disability: ['残疾人证新办', '残疾人证换领', '残疾人两项补贴申请', '残疾人证迁移'],
};

const MATERIALS: Record<Topic, string[]> = {
  hukou: ['居民户口簿', '居民身份证', '结婚证', '准予迁入证明', '户口迁移证', '录取通知书', '毕业证书', '工作调动证明', '房屋产权证明', '近期免冠照片'],
  civil: ['居民户口簿', '居民身份证', '结婚证', '离婚证', '离婚协议书', '无配偶声明书', '家庭收入证明', '火化证明'],
  hr: ['居民身份证', '社会保障卡', '劳动合同', '参保缴费凭证', '养老保险关系转移接续申请表', '解除劳动关系证明', '职业资格证书'],
  medical: ['医保电子凭证', '居民身份证', '异地就医备案表', '住院费用清单', '医疗费用发票', '出院小结', '转诊证明'],
  market: ['公司登记申请书', '公司章程', '股东主体资格证明', '法定代表人任职文件', '住所使用证明', '营业执照正副本'],
  land: ['不动产权证书', '不动产登记申请书', '抵押合同', '主债权合同', '身份证明', '完税凭证'],
  housing: ['居民身份证', '购房合同', '购房发票', '退休证明', '房屋租赁合同', '住房公积金提取申请表', '银行卡'],
  health: ['出生医学证明', '父母居民身份证', '医师资格证书', '体检证明', '预防接种证'],
  education: ['学历证书', '学位证书', '学籍卡', '教师资格考试合格证明', '普通话水平测试等级证书', '体检表'],
  tax: ['居民身份证', '税务登记证件', '合同协议', '完税凭证', '清税申报表'],
  transport: ['从业资格证', '居民身份证', '机动车驾驶证', '道路运输证', '船员服务簿'],
  justice: ['居民身份证', '公证申请表', '学历证书', '机动车驾驶证', '经济困难证明'],
  veterans: ['退役证', '居民身份证', '近期免冠照片', '立功受奖证明'],
  disability: ['居民身份证', '居民户口簿', '残疾评定表', '近期免冠照片', '医院诊断证明'],
};

const RESOURCES: Record<Topic, string[]> = {
  hukou: ['户籍人口', '常住人口', '流动人口', '居住证', '居民身份证', '户口迁移', '机动车登记', '驾驶人'],
  civil: ['婚姻登记', '最低生活保障', '特困人员', '殡葬服务', '社会组织', '养老机构', '儿童福利'],
  hr: ['基本养老保险参保', '失业保险参保', '工伤保险参保', '就业失业登记', '职业资格证书', '社会保障卡', '劳动用工备案'],
  medical: ['基本医疗保险参保', '异地就医备案', '医疗费用结算', '定点医药机构', '医保电子凭证'],
  market: ['市场主体登记', '企业年度报告', '个体工商户', '食品经营许可', '行政处罚', '经营异常名录'],
  land: ['不动产登记', '土地利用现状', '国土空间规划', '不动产权籍调查'],
  housing: ['住房公积金缴存', '住房公积金提取', '住房公积金贷款', '商品房网签备案', '建筑业企业资质'],
  health: ['出生医学证明', '死亡医学证明', '预防接种', '医疗机构执业', '医师执业注册'],
  education: ['学籍', '学历学位', '教师资格', '中小学校基本', '高考录取'],
  tax: ['纳税人登记', '个人所得税纳税记录', '发票开具', '欠税公告', '纳税信用等级'],
  transport: ['道路运输经营许可', '道路运输从业人员', '营运车辆', '船舶登记'],
  justice: ['公证机构', '律师执业', '法律援助', '社区矫正对象'],
  veterans: ['退役军人基本', '优抚对象', '退役军人优待证'],
  disability: ['残疾人证', '残疾人两项补贴', '残疾人康复服务'],
};
const RESOURCE_SUFFIX = ['信息', '基本信息', '登记信息', '变更信息', '核验信息', '统计数据', '电子证照信息', '年度数据'];

const CERTS = ['居民户口簿', '结婚证', '离婚证', '营业执照', '不动产权证书', '机动车驾驶证', '机动车行驶证', '出生医学证明', '残疾人证', '社会保障卡', '教师资格证书', '学位证书', '毕业证书', '职业资格证书', '医师执业证书', '护士执业证书', '食品经营许可证', '道路运输经营许可证', '道路运输从业资格证', '退役军人优待证', '律师执业证', '公证书', '居住证', '预防接种证', '建筑业企业资质证书', '排污许可证', '药品经营许可证', '卫生许可证'];

const STAMP = '2026-11-20T08:00:00.000Z';

function provinceName(code: string): string {
  return lookupDivision(code)?.name ?? code;
}

export function generate(total: number): Array<{ code: string; name: string; set: PublishedSet }> {
  const perRegion = Math.ceil(total / PROVINCES.length);
  return PROVINCES.map((code, pi) => {
    const full = provinceName(code);
    const short = full.replace(/(省|市|壮族自治区|回族自治区|维吾尔自治区|自治区)$/, '');
    const muni = MUNICIPALITY.has(code);
    const cities = muni ? [full] : prefecturesOf(code).map((d) => d.name);
    const provDept = (d: (typeof DEPARTMENTS)[number]) => `${full}${muni ? d.muni : d.prov}`;
    const resources: DataResource[] = [];
    const certificateTypes: CertificateType[] = [];
    const items: ServiceItem[] = [];
    // certificate types: the province's
    CERTS.forEach((c, i) => {
      const d = pick(DEPARTMENTS);
      certificateTypes.push({
        code: `11${code}00000000${String(i).padStart(3, '0')}`,
        version: 1, status: 'published', name: { zh: c, en: `certificate ${i}` },
        definingAuthority: { name: provDept(d), uscc: '11100000000013127D' },
        elements: [{ element: 'TB.PERSON.NAME', required: true }], validity: { kind: 'permanent' },
        updatedAt: STAMP, updatedBy: 'bench', publishedAt: STAMP,
      });
    });
    const nResources = Math.round(perRegion * 0.25);
    for (let i = 0; resources.length < nResources; i++) {
      const d = DEPARTMENTS[i % DEPARTMENTS.length]!;
      const subject = pick(RESOURCES[d.topic]);
      const suffix = pick(RESOURCE_SUFFIX);
      const dept = rand() < 0.4 ? provDept(d) : `${pick(cities)}${d.city}`;
      const sharing: SharingType = rand() < 0.3 ? 'unconditional' : rand() < 0.9 ? 'conditional' : 'none';
      resources.push({
        id: `${d.topic}.${i}`, version: 1, status: 'published',
        name: { zh: `${subject}${suffix}`, en: `${d.topic} resource ${i}` },
        summary: `${dept}归集的${subject}${suffix},${sharing === 'none' ? '依法不予共享' : '按需向跨省通办事项提供核验'},${pick(['实时更新', '每日更新', '每月更新'])}。`,
        department: { name: dept },
        subjectType: d.topic === 'market' ? 'enterprise' : 'citizen',
        fields: some(['姓名', '公民身份号码', '性别', '出生日期', '住址', '登记日期', '登记机关', '证件编号', '状态', '单位名称'], 4).map((zh, k) => ({
          name: `f${k}`, element: 'TB.PERSON.NAME', label: { zh, en: `field ${k}` }, sensitivity: 'general' as const,
        })),
        sharing: { type: sharing, ...(sharing !== 'unconditional' ? { condition: '依申请共享' } : {}), methods: ['system-interface'] },
        classification: { tier: 'departmental', category: d.topic, grade: 'general' },
        updateCycle: 'daily', source: { adapter: 'sql', system: `${short}${subject}管理系统` },
        updatedAt: STAMP, updatedBy: 'bench', publishedAt: STAMP,
      });
    }
    const nItems = perRegion - nResources - certificateTypes.length;
    const national = new Set(NATIONAL_ITEMS.map((n) => n.name));
    for (let i = 0; items.length < nItems; i++) {
      const d = DEPARTMENTS[i % DEPARTMENTS.length]!;
      const name = pick(ITEMS[d.topic]);
      const city = cities[Math.floor(i / DEPARTMENTS.length) % cities.length]!;
      const modes = some(['online', 'proxy', 'joint'] as CrossMode[], 1 + Math.floor(rand() * 2));
      items.push({
        code: `${code.slice(0, 2)}${String(pi).padStart(2, '0')}${String(i).padStart(6, '0')}`,
        version: 1, status: 'published', name,
        department: `${city}${d.city}`,
        modes, timeLimitDays: 1 + Math.floor(rand() * 20),
        guide: { conditions: `在${short}办理${name}的申请人,${pick(['本人申请', '可委托代理人', '需到窗口核验原件'])}。` },
        materials: some(MATERIALS[d.topic], 2 + Math.floor(rand() * 4)).map((m) => ({ name: m, required: rand() < 0.8, satisfiedBy: null })),
        origin: national.has(name) ? { kind: 'national-confirmed', source: 'src/catalog/national-items.ts' } : { kind: 'regional', source: 'bench' },
        updatedAt: STAMP, updatedBy: 'bench', publishedAt: STAMP,
      });
    }
    return { code, name: short, set: { resources, certificateTypes, items } };
  });
}

// ---- queries --------------------------------------------------------------------------------

interface BenchQuery {
  category: string;
  params: SearchParams;
}

export function queries(regions: ReturnType<typeof generate>, n: number): BenchQuery[] {
  const allItems = regions.flatMap((r) => r.set.items.map((i) => ({ region: r.code, i })));
  const allResources = regions.flatMap((r) => r.set.resources.map((x) => ({ region: r.code, x })));
  const depts = [...new Set(allItems.map((x) => x.i.department))];
  const short = ['户口', '婚姻', '社保', '医保', '公积', '证', '户', '登记', '迁移', '证明', '退休', '残疾', '驾驶', '学历', '发票', '税', '医', '房'];
  const window = (s: string, len: number) => {
    const chars = Array.from(s.replace(/[()()]/g, ''));
    const at = Math.floor(rand() * Math.max(1, chars.length - len + 1));
    return chars.slice(at, at + len).join('');
  };
  const filters = (): Partial<SearchParams> => {
    const f: Partial<SearchParams> = {};
    const r = rand();
    if (r < 0.35) f.region = [pick(PROVINCES)];
    else if (r < 0.45) f.region = some(PROVINCES, 3);
    if (rand() < 0.3) f.kind = pick(['resource', 'certificate-type', 'item'] as const);
    if (f.kind === 'resource' && rand() < 0.5) f.sharing = pick(['unconditional', 'conditional', 'none'] as const);
    if (f.kind === 'item' && rand() < 0.5) f.mode = pick(['online', 'proxy', 'joint'] as const);
    if (rand() < 0.1) f.department = pick(depts);
    if (Object.keys(f).length === 0) f.region = [pick(PROVINCES)];
    return f;
  };
  const make: Array<() => BenchQuery> = [
    () => ({ category: 'short (1–2 chars)', params: { q: pick(short) } }),
    () => ({ category: 'short + filters', params: { q: pick(short), ...filters() } }),
    () => ({ category: 'substring (3–6 chars)', params: { q: window(pick(allItems).i.name, 3 + Math.floor(rand() * 4)) } }),
    () => ({ category: 'substring + filters', params: { q: window(pick(allResources).x.name.zh, 3 + Math.floor(rand() * 3)), ...filters() } }),
    () => ({ category: 'exact item name', params: { q: pick(allItems).i.name } }),
    () => ({ category: 'several words', params: { q: `${provinceName(pick(PROVINCES)).slice(0, 2)} ${pick(short)} ${window(pick(allItems).i.name, 3)}` } }),
    () => ({ category: 'no match', params: { q: pick(['火星户口登记', '量子纠缠证明', '月球驾驶证', 'xyzzy']) } }),
    () => ({ category: 'browse + filters', params: { ...filters() } }),
    () => ({ category: 'deep page', params: { q: pick(short), page: 2 + Math.floor(rand() * 4) } }),
  ];
  return Array.from({ length: n }, (_, i) => make[i % make.length]!());
}

// ---- run ------------------------------------------------------------------------------------

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
}
const ms = (x: number) => x.toFixed(x < 10 ? 2 : 1);

export async function load(store: Database<TongbanDB>, regions: ReturnType<typeof generate>): Promise<{ ms: number; perRegion: number[] }> {
  const db = store.db;
  const suite = suiteFor('sm2-sm3');
  const perRegion: number[] = [];
  const t0 = performance.now();
  for (const r of regions) {
    const signer = makeSigner(suite, suite.generateKeyPair().privateKeyPem);
    const at = new Date().toISOString();
    await db.insertInto('hub_member').values({ region_code: r.code, name: r.name, endpoint: `https://tongban.${r.code}.example`, suite: 'sm2-sm3', status: 'approved', requested_at: at, decided_at: at, decided_by: 'bench', reason: null, updated_at: at }).execute();
    await db.insertInto('hub_member_key').values({ key_id: signer.keyId, region_code: r.code, suite: 'sm2-sm3', public_key_pem: signer.publicKeyPem, status: 'active', added_at: at, retired_at: null }).execute();
    const doc = JSON.parse(JSON.stringify(buildPublication(signer, r.code, 1, entriesOf(r.set)))) as unknown;
    const t = performance.now();
    await acceptPublication(db, doc);
    perRegion.push(performance.now() - t);
  }
  return { ms: performance.now() - t0, perRegion };
}

/** A node that holds nothing reads every page (as JSON over the wire would be) into a database of its own. */
async function nodeCatchUp(engine: 'sqlite' | 'postgres', hub: Database<TongbanDB>, signer: Signer): Promise<{ ms: number; pages: number }> {
  const target = await scratchDatabase(engine);
  const node = await openDatabase<TongbanDB>(target.url);
  try {
    await migrateToLatest(node);
    const keys = [{ keyId: signer.keyId, suite: signer.suite.name, publicKey: signer.publicKeyPem }];
    const t = performance.now();
    let since = 0;
    let pages = 0;
    for (;;) {
      const wire = JSON.parse(JSON.stringify(await directoryPage(hub.db, signer, { since, limit: 1000 }))) as unknown;
      const p = verifyDirectory(wire, signer.keyId, keys);
      await applyDirectoryPage(node.db, p, since === 0);
      pages++;
      since = p.sequence;
      if (!p.more) break;
    }
    return { ms: performance.now() - t, pages };
  } finally {
    await node.close();
    await target.cleanup();
  }
}

async function scratchDatabase(engine: 'sqlite' | 'postgres'): Promise<{ url: string; cleanup: () => Promise<void> }> {
  if (engine === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'tongban-bench-search-'));
    return { url: `sqlite:${join(dir, 'db.sqlite')}`, cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const schema = `bench_search_${randomBytes(4).toString('hex')}`;
  return {
    url: `${values.pg}${values.pg!.includes('?') ? '&' : '?'}schema=${schema}`,
    cleanup: async () => {
      const c = new pg.Client({ connectionString: values.pg });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await c.end();
    },
  };
}

async function runEngine(engine: 'sqlite' | 'postgres', regions: ReturnType<typeof generate>, qs: BenchQuery[]) {
  const { url, cleanup } = await scratchDatabase(engine);
  const store = await openDatabase<TongbanDB>(url);
  try {
    await migrateToLatest(store);
    const loaded = await load(store, regions);
    if (engine === 'postgres') await sql`analyze directory_entry`.execute(store.db);
    const signer = makeSigner(suiteFor('sm2-sm3'), suiteFor('sm2-sm3').generateKeyPair().privateKeyPem);
    const tp = performance.now();
    const page = await directoryPage(store.db, signer, { since: 0, limit: 1000 });
    const pageMs = performance.now() - tp;
    const pageBytes = Buffer.byteLength(JSON.stringify(page));
    const catchUp = await nodeCatchUp(engine, store, signer);

    const run = async (opts: SearchOptions, filter: (q: BenchQuery) => boolean = () => true) => {
      const byCat = new Map<string, number[]>();
      const all: number[] = [];
      let hits = 0;
      for (const q of qs.filter(filter)) {
        const t = performance.now();
        const r = await searchDirectory(store.db, q.params, opts);
        const d = performance.now() - t;
        hits += r.total;
        all.push(d);
        byCat.set(q.category, [...(byCat.get(q.category) ?? []), d]);
      }
      return { all, byCat, hits };
    };
    await run({}); // warm-up: caches, prepared statements, PostgreSQL plans
    const main = await run({});
    const isShort = (q: BenchQuery) => parseQuery(q.params.q).terms.some((t) => charLength(t) < 3);
    const scan = await run({ shortTerms: 'scan' }, isShort);
    const gramsShort = await run({}, isShort);
    const facetTimes: number[] = [];
    for (const q of qs.slice(0, 100)) {
      const t = performance.now();
      await directoryFacets(store.db, q.params);
      facetTimes.push(performance.now() - t);
    }
    let size: string;
    if (engine === 'sqlite') {
      const r = await sql<{ n: number }>`select sum(pgsize) as n from dbstat where name like 'directory%'`.execute(store.db).catch(() => undefined);
      size = r ? `${(Number(r.rows[0]!.n) / 1024 / 1024).toFixed(1)} MiB (directory_entry, _text, _body, their indexes and directory_fts)` : 'n/a';
    } else {
      const r = await sql<{ t: string; i: string }>`select sum(pg_table_size(c.oid)) as t, sum(pg_indexes_size(c.oid)) as i from pg_class c
        where c.relname in ('directory_entry', 'directory_entry_text', 'directory_entry_body') and c.relnamespace = current_schema()::regnamespace`.execute(store.db);
      size = `${(Number(r.rows[0]!.t) / 1024 / 1024).toFixed(1)} MiB tables + ${(Number(r.rows[0]!.i) / 1024 / 1024).toFixed(1)} MiB indexes (directory_entry, _text, _body)`;
    }
    return { loaded, pageMs, pageBytes, catchUp, main, scan, gramsShort, facetTimes, size };
  } finally {
    await store.close();
    await cleanup();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();

async function main() {
  const regions = generate(TOTAL);
  const count = regions.reduce((n, r) => n + r.set.resources.length + r.set.certificateTypes.length + r.set.items.length, 0);
  const qs = queries(regions, QUERIES);
  console.log(`\nunified search benchmark — ${new Date().toISOString().slice(0, 10)}, Node ${process.version}`);
  console.log(`${count} directory entries from ${regions.length} provinces (${regions.map((r) => r.name).join(' ')}); ${qs.length} queries, each run once after a warm-up pass\n`);
  for (const engine of values.engine!.split(',') as Array<'sqlite' | 'postgres'>) {
    const r = await runEngine(engine, regions, qs);
    console.log(`## ${engine}`);
    console.log(`load: ${regions.length} signed publications accepted in ${(r.loaded.ms / 1000).toFixed(1)} s (per province: ${r.loaded.perRegion.map((x) => `${Math.round(x)} ms`).join(', ')})`);
    console.log(`storage: ${r.size}`);
    console.log(`directory page of 1000 entries: built and signed in ${Math.round(r.pageMs)} ms, ${(r.pageBytes / 1024 / 1024).toFixed(1)} MiB`);
    console.log(`a new node catching up with the whole directory (${r.catchUp.pages} pages, each serialised, parsed, verified, applied): ${(r.catchUp.ms / 1000).toFixed(1)} s`);
    console.log('| queries | n | p50 ms | p95 ms | p99 ms | max ms |');
    console.log('|---|---|---|---|---|---|');
    const line = (name: string, xs: number[]) => console.log(`| ${name} | ${xs.length} | ${ms(pct(xs, 50))} | ${ms(pct(xs, 95))} | ${ms(pct(xs, 99))} | ${ms(Math.max(...xs))} |`);
    line('**all**', r.main.all);
    for (const [cat, xs] of r.main.byCat) line(cat, xs);
    line('short terms via gram column', r.gramsShort.all);
    line('short terms via LIKE scan (alternative)', r.scan.all);
    line('facets (5 counts)', r.facetTimes);
    console.log('');
  }
}
