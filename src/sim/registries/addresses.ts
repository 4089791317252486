// Street-level address text for synthetic records: 安徽省合肥市蜀山区长江西路123号翡翠花园5幢2单元1302室, or
// in the countryside 贵州省黔南布依族苗族自治州三都水族自治县大河镇石桥村3组27号.

import type { Division } from '../../core/ids/index.js';
import type { Rng } from './rng.js';
import { ESTATE_HEAD, ESTATE_TAIL, PLACE_FIRST, PLACE_SECOND, ROAD_ROOTS, ROAD_SUFFIX } from './vocab.js';

export function road(r: Rng): string {
  return r.pick(ROAD_ROOTS) + r.pick(ROAD_SUFFIX);
}

function place(r: Rng): string {
  const a = PLACE_FIRST[r.int(PLACE_FIRST.length)]!;
  const b = PLACE_SECOND[r.int(PLACE_SECOND.length)]!;
  return a + b;
}

/** A flat in a residential estate on a city road. */
export function urbanAddress(r: Rng, county: Division): string {
  const estate = r.pick(ESTATE_HEAD) + r.pick(ESTATE_TAIL);
  const floor = r.range(1, 28);
  return `${county.fullName}${road(r)}${r.range(1, 999)}号${estate}${r.range(1, 30)}幢${r.range(1, 4)}单元${floor}${String(r.range(1, 4)).padStart(2, '0')}室`;
}

/** A house in a village: township, village, villagers' group, number. */
export function ruralAddress(r: Rng, county: Division): string {
  const town = place(r) + (r.chance(0.7) ? '镇' : '乡');
  return `${county.fullName}${town}${place(r)}村${r.range(1, 12)}组${r.range(1, 99)}号`;
}

/** The address of a collective household: a school's or an employer's dormitory. */
export function collectiveAddress(r: Rng, county: Division, owner: string): string {
  return `${county.fullName}${road(r)}${r.range(1, 999)}号(${owner}集体户)`;
}
