// Vocabulary and distributions behind the synthetic registries: surnames, given names by era, GB 3304
// ethnicity codes with regional shares, the 2020-census age structure, address parts, industries.
// Figures are approximations of published statistics, good enough to make data look like a region's;
// they are not statistics themselves.

import { GB3304_ETHNIC_GROUPS } from '../../core/codes.js';
import { weighted, type Weighted } from './rng.js';

// ------------------------------------------------------------------ surnames

/** The most common surnames with approximate national shares in per cent (公安部 2020-style ranking). */
const SURNAMES: ReadonlyArray<readonly [string, number]> = [
  ['王', 7.12], ['李', 7.0], ['张', 6.74], ['刘', 5.1], ['陈', 4.61], ['杨', 3.22], ['黄', 2.45], ['赵', 2.29],
  ['吴', 2.05], ['周', 2.04], ['徐', 1.67], ['孙', 1.54], ['马', 1.44], ['朱', 1.31], ['胡', 1.3], ['郭', 1.16],
  ['何', 1.14], ['高', 1.06], ['林', 1.03], ['罗', 1.0], ['郑', 0.9], ['梁', 0.87], ['谢', 0.78], ['宋', 0.74],
  ['唐', 0.73], ['许', 0.65], ['韩', 0.63], ['冯', 0.63], ['邓', 0.62], ['曹', 0.62], ['彭', 0.56], ['曾', 0.56],
  ['肖', 0.54], ['田', 0.47], ['董', 0.46], ['袁', 0.46], ['潘', 0.47], ['于', 0.45], ['蒋', 0.42], ['蔡', 0.48],
  ['余', 0.44], ['杜', 0.41], ['叶', 0.42], ['程', 0.39], ['苏', 0.4], ['魏', 0.39], ['吕', 0.38], ['丁', 0.37],
  ['任', 0.35], ['沈', 0.36], ['姚', 0.34], ['卢', 0.34], ['姜', 0.32], ['崔', 0.31], ['钟', 0.33], ['谭', 0.3],
  ['陆', 0.28], ['汪', 0.29], ['范', 0.29], ['金', 0.28], ['石', 0.27], ['廖', 0.29], ['贾', 0.27], ['夏', 0.26],
  ['韦', 0.26], ['付', 0.33], ['方', 0.26], ['白', 0.23], ['邹', 0.25], ['孟', 0.24], ['熊', 0.24], ['秦', 0.24],
  ['邱', 0.26], ['江', 0.23], ['尹', 0.22], ['薛', 0.22], ['闫', 0.22], ['段', 0.21], ['雷', 0.21], ['侯', 0.25],
  ['龙', 0.2], ['史', 0.2], ['陶', 0.2], ['黎', 0.2], ['贺', 0.2], ['顾', 0.19], ['毛', 0.19], ['郝', 0.19],
  ['龚', 0.18], ['邵', 0.18], ['万', 0.18], ['钱', 0.17], ['严', 0.17], ['覃', 0.16], ['武', 0.16], ['戴', 0.27],
  ['莫', 0.15], ['孔', 0.15], ['向', 0.14], ['汤', 0.14], ['施', 0.08], ['俞', 0.07], ['倪', 0.07], ['蒙', 0.05],
  ['冉', 0.05], ['应', 0.04], ['楼', 0.02], ['鲍', 0.05], ['季', 0.05], ['欧阳', 0.05], ['诸葛', 0.005], ['司马', 0.005],
];

/** Regional shifts: multipliers of the national share, by province prefix. */
const SURNAME_SHIFT: Record<string, Record<string, number>> = {
  '31': { 陆: 2.5, 顾: 2.5, 沈: 2.2, 朱: 1.5, 徐: 1.5, 钱: 2.2, 周: 1.3, 金: 1.5, 施: 3, 倪: 2.5, 俞: 2, 张: 1.1 },
  '32': { 陆: 2, 顾: 2.5, 钱: 2, 沈: 2, 徐: 1.6, 朱: 1.5, 周: 1.3, 吴: 1.3, 孙: 1.2, 季: 3, 施: 2 },
  '33': { 陈: 1.5, 金: 2.5, 钱: 2, 沈: 2, 徐: 1.5, 叶: 2, 潘: 1.5, 应: 5, 楼: 6, 俞: 3, 施: 2, 王: 1.1 },
  '34': { 汪: 2.8, 程: 2, 方: 1.6, 胡: 1.3, 陶: 1.3, 吴: 1.2, 鲍: 2, 张: 1.1, 王: 1.1 },
  '52': { 杨: 2.2, 吴: 1.8, 龙: 5, 罗: 2, 石: 4, 潘: 4, 韦: 3, 田: 2, 熊: 1.5, 蒙: 6, 冉: 5, 刘: 0.8, 李: 0.9 },
};

const surnameTables = new Map<string, Weighted<string>>();

export function surnameTable(provincePrefix: string): Weighted<string> {
  let t = surnameTables.get(provincePrefix);
  if (!t) {
    const shift = SURNAME_SHIFT[provincePrefix] ?? {};
    t = weighted(SURNAMES.map(([s, w]) => [s, w * (shift[s] ?? 1)] as const));
    surnameTables.set(provincePrefix, t);
  }
  return t;
}

// ------------------------------------------------------------------ given names

interface NamePool {
  male: string;
  female: string;
  /** share of two-character given names */
  twoChar: number;
}

/** Characters typical of given names by birth period; single-character names peaked in the 1980s–90s. */
const NAME_ERAS: ReadonlyArray<readonly [number, NamePool]> = [
  [1950, { male: '国建德明华福贵成立志忠文永荣海金山春宝祥林生平兴根发昌茂玉', female: '秀英兰珍芳桂凤玉淑梅琴云素翠花霞月荣香娥巧菊莲金', twoChar: 0.78 }],
  [1970, { male: '建军伟勇强明华国红卫东平新斌峰刚辉涛波林志海文兵光', female: '红丽敏艳萍霞静燕玲芳华英秀梅丹莉娟琴慧亚小春', twoChar: 0.62 }],
  [1990, { male: '伟磊涛杰鹏浩俊晨宇超波辉斌强勇凯亮帅飞鑫龙阳昊文博健', female: '婷静丽娜敏燕雪倩晶颖琳璐佳欣悦莹洁蕾慧丹瑶雯芳晓', twoChar: 0.55 }],
  [2005, { male: '浩宇轩睿泽辰铭博俊逸航昊宸然奕哲晨煜皓阳子梓一家', female: '涵欣怡诗萱雨若语可佳琪梦思悦晨依彤雅婧子梓一馨', twoChar: 0.8 }],
  [9999, { male: '子梓浩宇轩睿泽辰铭宸奕沐一诺言瑾煜景安承俊皓锦', female: '子梓涵欣怡诗萱若语可梦一诺依彤沐汐安芮星禾悦知', twoChar: 0.88 }],
];

function eraOf(year: number): NamePool {
  for (const [until, pool] of NAME_ERAS) if (year < until) return pool;
  return NAME_ERAS[NAME_ERAS.length - 1]![1];
}

const LEADING_ONLY = '子梓一小亚晓家沐言';

/** A given name of 1–2 characters for someone of this sex born in this year. */
export function givenName(r: { float(): number; int(n: number): number }, male: boolean, birthYear: number): string {
  const pool = eraOf(birthYear);
  const chars = male ? pool.male : pool.female;
  let first = chars[r.int(chars.length)] as string;
  if (r.float() >= pool.twoChar) {
    // characters that only open a two-character name (子涵, 一诺, 晓明) are not names on their own
    for (let i = 0; i < 4 && LEADING_ONLY.includes(first); i++) first = chars[r.int(chars.length)] as string;
    return first;
  }
  let second = chars[r.int(chars.length)] as string;
  if (second === first && r.float() < 0.8) second = chars[r.int(chars.length)] as string;
  return first + second;
}

// ------------------------------------------------------------------ ethnicity (GB 3304)

/** GB 3304-1991 codes of the ethnic groups used here. */
export const ETHNIC_GROUPS: Readonly<Record<string, string>> = Object.fromEntries(
  ['01', '02', '03', '04', '05', '06', '07', '08', '09', '10', '11', '12', '13', '14', '15', '22', '25', '36', '37'].map((c) => [c, GB3304_ETHNIC_GROUPS[c]!]),
);

type Shares = ReadonlyArray<readonly [string, number]>;

/** 贵州 by prefecture, and a few counties with a dominant group (2020 census proportions, rounded). */
const GUIZHOU: Record<string, Shares> = {
  '5201': [['01', 85], ['06', 5], ['09', 5], ['15', 1], ['03', 1], ['07', 1], ['12', 1], ['37', 1]],
  '5202': [['01', 73], ['07', 9], ['06', 8], ['09', 6], ['03', 2], ['37', 1], ['14', 1]],
  '5203': [['01', 88], ['37', 5], ['15', 3], ['06', 3], ['03', 1]],
  '5204': [['01', 70], ['09', 15], ['06', 12], ['37', 2], ['03', 1]],
  '5205': [['01', 73], ['07', 9], ['06', 10], ['14', 3], ['03', 3], ['37', 1], ['09', 1]],
  '5206': [['01', 30], ['15', 40], ['06', 16], ['12', 12], ['37', 2]],
  '5223': [['01', 58], ['09', 28], ['06', 10], ['03', 2], ['37', 1], ['07', 1]],
  '5226': [['01', 20], ['06', 43], ['12', 30], ['25', 2], ['09', 2], ['13', 1], ['15', 1], ['37', 1]],
  '5227': [['01', 42], ['09', 33], ['06', 12], ['25', 9], ['36', 2], ['13', 1], ['12', 1]],
  '522732': [['01', 20], ['25', 65], ['09', 8], ['06', 7]], // 三都水族自治县
};

const PROVINCE_SHARES: Record<string, Shares> = {
  '31': [['01', 99.0], ['03', 0.3], ['11', 0.15], ['02', 0.1], ['06', 0.1], ['15', 0.1], ['10', 0.1], ['08', 0.05]],
  '32': [['01', 99.6], ['03', 0.25], ['11', 0.05], ['06', 0.05], ['15', 0.05]],
  '33': [['01', 99.2], ['22', 0.4], ['06', 0.15], ['15', 0.1], ['09', 0.1], ['03', 0.05]],
  '34': [['01', 99.4], ['03', 0.5], ['11', 0.05], ['22', 0.05]],
  '331127': [['01', 88], ['22', 12]], // 景宁畲族自治县
};

const NATIONAL: Shares = [
  ['01', 91.1], ['08', 1.4], ['03', 0.8], ['11', 0.8], ['05', 0.8], ['06', 0.8], ['07', 0.7], ['15', 0.7],
  ['04', 0.5], ['02', 0.4], ['09', 0.3], ['12', 0.2], ['13', 0.2], ['14', 0.15], ['10', 0.1],
];

const ethnicTables = new Map<string, Weighted<string>>();

/** The ethnicity distribution of a county's registered population. */
export function ethnicTable(countyCode: string): Weighted<string> {
  const key =
    GUIZHOU[countyCode] || PROVINCE_SHARES[countyCode]
      ? countyCode
      : countyCode.startsWith('52')
        ? countyCode.slice(0, 4)
        : countyCode.slice(0, 2);
  let t = ethnicTables.get(key);
  if (!t) {
    const shares = GUIZHOU[key] ?? PROVINCE_SHARES[key] ?? (key.startsWith('52') ? GUIZHOU['5201']! : NATIONAL);
    t = weighted(shares);
    ethnicTables.set(key, t);
  }
  return t;
}

// ------------------------------------------------------------------ age structure

/**
 * Persons by 5-year birth cohort, millions (2020 census by age group, births 2020–2024 from NBS yearly
 * births). Used as relative weights for drawing birth years.
 */
const COHORTS: ReadonlyArray<readonly [number, number]> = [
  [1930, 11], [1935, 20.4], [1940, 31], [1945, 47.4], [1950, 74], [1955, 73.4], [1960, 101.4], [1965, 121.2],
  [1970, 114.2], [1975, 93], [1980, 99], [1985, 124.1], [1990, 91.9], [1995, 74.9], [2000, 72.7], [2005, 84.2],
  [2010, 90.2], [2015, 80], [2020, 50.7],
];

/** Relative weight of a birth year (1930–2024). */
export function cohortWeight(year: number): number {
  let w = 0;
  for (const [start, millions] of COHORTS) if (year >= start) w = millions / 5;
  return year < 1930 || year > 2024 ? 0 : w;
}

const yearTables = new Map<string, Weighted<number>>();

/** A weighted table of birth years in [lo, hi] following the census cohort sizes. */
export function birthYears(lo: number, hi: number): Weighted<number> {
  const key = `${lo}-${hi}`;
  let t = yearTables.get(key);
  if (!t) {
    const pairs: Array<readonly [number, number]> = [];
    for (let y = lo; y <= hi; y++) pairs.push([y, cohortWeight(y)]);
    t = weighted(pairs);
    yearTables.set(key, t);
  }
  return t;
}

/** Sex ratio at birth (boys per girl) by birth year: about 1.06 before the mid-1980s, up to 1.18 around 2005. */
export function maleShareAtBirth(year: number): number {
  const srb = year < 1985 ? 1.06 : year < 1995 ? 1.12 : year < 2015 ? 1.17 : 1.12;
  return srb / (1 + srb);
}

// ------------------------------------------------------------------ addresses

export const ROAD_ROOTS = [
  '人民', '解放', '建设', '中山', '和平', '长江', '黄河', '新华', '胜利', '文化', '朝阳', '青年', '东风', '公园', '学府',
  '科技', '幸福', '迎宾', '环城', '滨江', '友谊', '光明', '振兴', '民主', '团结', '繁华', '金桥', '望江', '翠微', '松林',
  '梅园', '桂花', '枫林', '银杏', '湖滨', '天目', '淮河', '太湖', '钱塘', '黄山', '花溪', '云岩', '南明', '丹桂', '锦绣',
];
export const ROAD_SUFFIX = ['路', '路', '路', '东路', '西路', '南路', '北路', '中路', '大道', '街'];
export const ESTATE_HEAD = [
  '翡翠', '阳光', '金色', '锦绣', '碧水', '绿城', '万科', '香樟', '玉兰', '紫荆', '和谐', '幸福', '东方', '明珠', '世纪',
  '书香', '滨湖', '青山', '春晓', '馨园', '嘉和', '华府', '龙湖', '御景', '怡景', '清华', '金地', '保利', '蓝湾', '星河',
];
export const ESTATE_TAIL = ['花园', '小区', '新村', '家园', '公寓', '苑', '雅苑', '花苑', '佳苑', '华庭', '名都', '府'];
export const PLACE_FIRST = '东西南北新大小高马李王张杨石桥河山林花竹梅龙凤金银黄青白红双三五上下前后中长永太平安和丰';
export const PLACE_SECOND = '桥庄集店铺湾岗埠港塘坝寨坪冲溪岭口河湖山园圩营堡寺洼沟坡田井台铺场';

// ------------------------------------------------------------------ enterprises

export interface Industry {
  name: string;
  weight: number;
  scope: string;
}

export const COMPANY_INDUSTRIES: readonly Industry[] = [
  { name: '科技', weight: 14, scope: '一般项目:技术服务、技术开发、技术咨询、技术交流、技术转让、技术推广;软件开发;信息系统集成服务' },
  { name: '网络科技', weight: 7, scope: '一般项目:互联网数据服务;信息技术咨询服务;软件开发;网络技术服务;数字内容制作服务' },
  { name: '信息技术', weight: 4, scope: '一般项目:信息系统集成服务;信息技术咨询服务;计算机系统服务;数据处理服务' },
  { name: '商贸', weight: 12, scope: '一般项目:日用百货销售;五金产品批发;五金产品零售;针纺织品销售;服装服饰零售;电子产品销售' },
  { name: '贸易', weight: 7, scope: '一般项目:货物进出口;技术进出口;国内贸易代理;金属材料销售;建筑材料销售' },
  { name: '建设工程', weight: 8, scope: '许可项目:建设工程施工;住宅室内装饰装修。一般项目:园林绿化工程施工;土石方工程施工' },
  { name: '装饰工程', weight: 5, scope: '许可项目:住宅室内装饰装修。一般项目:建筑装饰材料销售;家具安装和维修服务' },
  { name: '餐饮管理', weight: 5, scope: '许可项目:餐饮服务;食品销售。一般项目:餐饮管理;外卖递送服务' },
  { name: '物流', weight: 5, scope: '许可项目:道路货物运输(不含危险货物)。一般项目:国内货物运输代理;普通货物仓储服务;装卸搬运' },
  { name: '文化传媒', weight: 5, scope: '一般项目:组织文化艺术交流活动;广告设计、代理;广告制作;会议及展览服务' },
  { name: '机械设备', weight: 4, scope: '一般项目:通用设备制造(不含特种设备制造);机械设备销售;机械零件、零部件加工' },
  { name: '电子科技', weight: 4, scope: '一般项目:电子元器件制造;电子产品销售;集成电路芯片设计及服务' },
  { name: '环保科技', weight: 3, scope: '一般项目:环境保护专用设备销售;大气污染治理;水污染治理;固体废物治理' },
  { name: '农业发展', weight: 3, scope: '一般项目:谷物种植;蔬菜种植;水果种植;农产品的生产、销售、加工、运输、贮藏及其他相关服务' },
  { name: '医药', weight: 2, scope: '许可项目:药品零售。一般项目:医疗器械销售(第一类、第二类)' },
  { name: '教育咨询', weight: 3, scope: '一般项目:教育咨询服务(不含涉许可审批的教育培训活动);信息咨询服务(不含许可类信息咨询服务)' },
  { name: '人力资源', weight: 2, scope: '许可项目:职业中介活动;劳务派遣服务。一般项目:人力资源服务(不含职业中介活动、劳务派遣服务)' },
  { name: '食品', weight: 3, scope: '许可项目:食品生产;食品销售。一般项目:食用农产品初加工' },
  { name: '新材料', weight: 2, scope: '一般项目:新材料技术研发;高性能纤维及复合材料制造;塑料制品制造' },
  { name: '汽车服务', weight: 2, scope: '一般项目:机动车修理和维护;汽车零配件零售;洗车服务;二手车经纪' },
];

export const SHOP_INDUSTRIES: readonly Industry[] = [
  { name: '便利店', weight: 14, scope: '许可项目:食品销售;烟草制品零售。一般项目:日用百货销售' },
  { name: '超市', weight: 6, scope: '许可项目:食品销售;烟草制品零售。一般项目:日用百货销售;日用家电零售' },
  { name: '面馆', weight: 6, scope: '许可项目:餐饮服务' },
  { name: '小吃店', weight: 8, scope: '许可项目:餐饮服务;小餐饮' },
  { name: '饭店', weight: 6, scope: '许可项目:餐饮服务' },
  { name: '理发店', weight: 6, scope: '许可项目:理发服务。一般项目:美甲服务' },
  { name: '五金店', weight: 4, scope: '一般项目:五金产品零售;电线、电缆经营;建筑材料销售' },
  { name: '服装店', weight: 7, scope: '一般项目:服装服饰零售;鞋帽零售;针纺织品销售' },
  { name: '水果店', weight: 5, scope: '一般项目:新鲜水果零售;食用农产品零售' },
  { name: '家电维修部', weight: 2, scope: '一般项目:日用电器修理;家用电器销售' },
  { name: '烟酒店', weight: 4, scope: '许可项目:烟草制品零售;酒类经营' },
  { name: '手机店', weight: 3, scope: '一般项目:移动终端设备销售;通讯设备销售;电子产品销售' },
  { name: '汽车修理部', weight: 3, scope: '许可项目:机动车检验检测服务。一般项目:机动车修理和维护' },
  { name: '建材经营部', weight: 3, scope: '一般项目:建筑材料销售;建筑装饰材料销售;卫生洁具销售' },
  { name: '快递服务部', weight: 2, scope: '许可项目:快递服务' },
  { name: '茶叶店', weight: 2, scope: '许可项目:食品销售。一般项目:茶具销售' },
];

export const COOP_PRODUCTS: ReadonlyArray<readonly [string, string]> = [
  ['水稻', '种植'], ['蔬菜', '种植'], ['草莓', '种植'], ['茶叶', '种植'], ['中药材', '种植'], ['食用菌', '种植'], ['水果', '种植'],
  ['苗木', '种植'], ['生猪', '养殖'], ['肉牛', '养殖'], ['家禽', '养殖'], ['水产', '养殖'], ['蜜蜂', '养殖'],
];

export const BRAND_CHARS = '瑞通华鑫联创恒泰德盛宏远达信安佳康源兴和诚新天益嘉豪博凯锦润汇丰祥瀚宸讯智云腾铭卓越启明辉正元晟昊荣睿';

export const CAPITAL_LLC = [10, 30, 50, 100, 100, 100, 200, 300, 500, 500, 1000, 1000, 2000, 3000, 5000];
export const CAPITAL_JSC = [500, 1000, 2000, 5000, 5000, 10000, 20000];
export const CAPITAL_SHOP = [1, 2, 3, 5, 5, 10, 10, 20, 50];
export const CAPITAL_COOP = [10, 20, 50, 100, 100, 200, 300, 500];
