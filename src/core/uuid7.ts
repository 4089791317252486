// Message and record ids: UUID version 7 (RFC 9562 §5.7) — a 48-bit Unix-millisecond timestamp
// followed by random bits. Ids made in time order land at the right edge of the indexes that hold
// them (exchange records, replay ids, audit entries by message), where a random version-4 id
// dirtied a different index page for every insert. Within one millisecond a 12-bit counter in
// rand_a keeps them increasing (RFC 9562 §6.2, method 1); the 62 bits of rand_b stay random, so an
// id is no easier to guess than a version-4 one.

import { randomFillSync } from 'node:crypto';

const POOL_SIZE = 4096;
const pool = Buffer.alloc(POOL_SIZE);
let poolOffset = POOL_SIZE;

function randomBytes8(): Buffer {
  if (poolOffset + 8 > POOL_SIZE) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const b = pool.subarray(poolOffset, poolOffset + 8);
  poolOffset += 8;
  return b;
}

let lastMs = 0;
let counter = 0;

const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** A new UUIDv7 string, lower-case, increasing within this process. */
export function uuidv7(now: number = Date.now()): string {
  let ms = now;
  if (ms > lastMs) {
    lastMs = ms;
    counter = randomBytes8().readUInt16BE(0) & 0x3ff; // start low in the 12 bits, leaving room to count
  } else {
    ms = lastMs; // the clock went back or stood still: stay on the last timestamp and count
    counter++;
    if (counter > 0xfff) {
      lastMs = ++ms;
      counter = 0;
    }
  }
  const b = Buffer.allocUnsafe(16);
  b.writeUIntBE(ms, 0, 6);
  b.writeUInt16BE(0x7000 | counter, 6);
  randomBytes8().copy(b, 8);
  b[8] = (b[8]! & 0x3f) | 0x80; // variant 10
  let s = '';
  for (let i = 0; i < 16; i++) {
    s += HEX[b[i]!]!;
    if (i === 3 || i === 5 || i === 7 || i === 9) s += '-';
  }
  return s;
}

/** The millisecond timestamp a UUIDv7 carries (undefined for other versions). */
export function uuidv7Time(id: string): number | undefined {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(id)) return undefined;
  return parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
}
