// Who may sign exchange messages: active members of the current, unexpired member list, with
// active keys. One index per list version, so every lookup on the hot path is a map read.

import { TongbanError } from '../core/errors.js';
import { isExpired, type TrustListMember, type TrustListMemberKey, type TrustListPayload } from '../federation/documents.js';

export class TrustIndex {
  private readonly members = new Map<string, TrustListMember>();
  private readonly keys = new Map<string, { member: TrustListMember; key: TrustListMemberKey }>();

  constructor(readonly list: TrustListPayload) {
    for (const m of list.members) {
      this.members.set(m.regionCode, m);
      for (const k of m.keys) this.keys.set(k.keyId, { member: m, key: k });
    }
  }

  member(regionCode: string): TrustListMember | undefined {
    return this.members.get(regionCode);
  }

  /**
   * The key a member signs with now. Throws E_TRUST_LIST_EXPIRED when the list is stale and
   * E_NOT_TRUSTED when the region, the key or the pair is not (or no longer) trusted.
   */
  signingKey(regionCode: string, keyId: string, suite: string, now = new Date()): TrustListMemberKey {
    if (isExpired(this.list, now)) throw new TongbanError('E_TRUST_LIST_EXPIRED', `member list version ${this.list.version} expired at ${this.list.expiresAt}`);
    const member = this.members.get(regionCode);
    if (!member) throw new TongbanError('E_NOT_TRUSTED', `region ${regionCode} is not a federation member`);
    if (member.status !== 'active') throw new TongbanError('E_NOT_TRUSTED', `region ${regionCode} is ${member.status}`);
    const entry = this.keys.get(keyId);
    if (!entry || entry.member.regionCode !== regionCode) throw new TongbanError('E_NOT_TRUSTED', `key ${keyId}${UNKNOWN_KEY}${regionCode}`);
    if (entry.key.status !== 'active') throw new TongbanError('E_NOT_TRUSTED', `key ${keyId} of region ${regionCode} is retired`);
    if (entry.key.suite !== suite) throw new TongbanError('E_NOT_TRUSTED', `key ${keyId} is a ${entry.key.suite} key, not ${suite}`);
    return entry.key;
  }
}

const UNKNOWN_KEY = ' is not a key of region ';

/**
 * Whether a refusal's detail says the key is not on the member list at all — unlike a retired key or
 * a suspended member, a newer list (a rotation not seen yet) may hold it.
 */
export function isUnknownKey(detail: string | undefined): boolean {
  return detail?.includes(UNKNOWN_KEY) ?? false;
}

const indexes = new WeakMap<TrustListPayload, TrustIndex>();

export function trustIndexOf(list: TrustListPayload): TrustIndex {
  let idx = indexes.get(list);
  if (!idx) {
    idx = new TrustIndex(list);
    indexes.set(list, idx);
  }
  return idx;
}
