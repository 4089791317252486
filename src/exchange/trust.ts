// Who may sign exchange messages: active members of the current, unexpired member list, with
// active keys (signingKey); and which key signed what is checked later, retired keys included
// (keyAt). One index per list version, so every lookup on the hot path is a map read.

import { TongbanError } from '../core/errors.js';
import { parseProtocolTime } from '../core/time.js';
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
    const member = this.listed(regionCode);
    if (member.status !== 'active') throw new TongbanError('E_NOT_TRUSTED', `region ${regionCode} is ${member.status}`);
    const key = this.keyOf(regionCode, keyId);
    if (key.status !== 'active') throw new TongbanError('E_NOT_TRUSTED', `key ${keyId} of region ${regionCode} is retired`);
    return ofSuite(key, suite);
  }

  /**
   * The key a member signed with at `at` (a protocol time), for what is checked long after it was signed
   * (an evidence package): a key of that region on the list, of that suite, and not retired by then —
   * active, or retired after `at`. Neither the list's expiry nor the member's status now matters: what a
   * key signed while it was in force stays verifiable. Throws E_NOT_TRUSTED naming what is wrong.
   */
  keyAt(regionCode: string, keyId: string, suite: string, at: string): TrustListMemberKey {
    this.listed(regionCode);
    const key = ofSuite(this.keyOf(regionCode, keyId), suite);
    if (key.status !== 'active') {
      const retired = parseProtocolTime(key.retiredAt);
      if (retired === undefined) throw new TongbanError('E_NOT_TRUSTED', `key ${keyId} of region ${regionCode} is retired, and the list does not say since when`);
      if (!(retired > (parseProtocolTime(at) ?? Infinity))) throw new TongbanError('E_NOT_TRUSTED', `key ${keyId} of region ${regionCode} was retired at ${key.retiredAt}, before it signed at ${at}`);
    }
    return key;
  }

  private listed(regionCode: string): TrustListMember {
    const member = this.members.get(regionCode);
    if (!member) throw new TongbanError('E_NOT_TRUSTED', `region ${regionCode} is not a federation member`);
    return member;
  }

  private keyOf(regionCode: string, keyId: string): TrustListMemberKey {
    const entry = this.keys.get(keyId);
    if (!entry || entry.member.regionCode !== regionCode) throw new TongbanError('E_NOT_TRUSTED', `key ${keyId}${UNKNOWN_KEY}${regionCode}`);
    return entry.key;
  }
}

function ofSuite(key: TrustListMemberKey, suite: string): TrustListMemberKey {
  if (key.suite !== suite) throw new TongbanError('E_NOT_TRUSTED', `key ${key.keyId} is a ${key.suite} key, not ${suite}`);
  return key;
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
