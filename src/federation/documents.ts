// federation: the documents hub and nodes exchange about membership — the join request a node
// signs, and the member list (trust list) the hub signs. Pure: building, checking and reading
// them; storage and HTTP live in src/hub and src/node. docs/PROTOCOL.md §2 specifies both.

import { keyIdOf, suiteFor, isSuiteName, type SuiteName } from '../core/crypto/index.js';
import { TongbanError } from '../core/errors.js';
import { parseProtocolTime, TIME_PROBLEM } from '../core/time.js';
import { assertSignedShape, signDocument, verifyDocument, type SignedDocument, type Signer } from '../core/signed-document.js';

export const JOIN_REQUEST_TYPE = 'tongban.join-request';
export const TRUST_LIST_TYPE = 'tongban.trust-list';
export const KEY_ROTATION_TYPE = 'tongban.key-rotation';
export const FORMAT_VERSION = 1;
/** A join request older or newer than this is refused, so a captured one cannot be replayed later. */
export const JOIN_CLOCK_WINDOW_MS = 5 * 60 * 1000;

export interface PublicKeyEntry {
  keyId: string;
  suite: SuiteName;
  publicKey: string;
}

export interface JoinRequestPayload {
  type: typeof JOIN_REQUEST_TYPE;
  formatVersion: typeof FORMAT_VERSION;
  regionCode: string;
  name: string;
  endpoint: string;
  key: PublicKeyEntry;
  requestedAt: string;
  nonce: string;
}

export type JoinRequest = SignedDocument<JoinRequestPayload>;

export interface TrustListMemberKey extends PublicKeyEntry {
  status: 'active' | 'retired';
  addedAt: string;
  /** when the key stopped signing (rotation); what it signed before stays verifiable */
  retiredAt?: string;
}

export interface TrustListMember {
  regionCode: string;
  name: string;
  endpoint: string;
  status: 'active' | 'suspended';
  keys: TrustListMemberKey[];
}

export interface TrustListPayload {
  type: typeof TRUST_LIST_TYPE;
  formatVersion: typeof FORMAT_VERSION;
  version: number;
  issuedAt: string;
  expiresAt: string;
  hub: { name: string; url: string; keys: PublicKeyEntry[] };
  members: TrustListMember[];
}

export type TrustList = SignedDocument<TrustListPayload>;

export function buildJoinRequest(
  signer: Signer,
  fields: { regionCode: string; name: string; endpoint: string; nonce: string },
  at = new Date(),
): JoinRequest {
  const payload: JoinRequestPayload = {
    type: JOIN_REQUEST_TYPE,
    formatVersion: FORMAT_VERSION,
    regionCode: fields.regionCode,
    name: fields.name,
    endpoint: fields.endpoint,
    key: { keyId: signer.keyId, suite: signer.suite.name, publicKey: signer.publicKeyPem },
    requestedAt: at.toISOString(),
    nonce: fields.nonce,
  };
  return signDocument(payload, signer);
}

/** Longest endpoint a member may announce. */
export const ENDPOINT_MAX = 256;

/**
 * What is wrong with an announced endpoint, if anything. Peers and the relay append
 * `/api/exchange/v1/…` to it, so it is an origin with at most a path prefix, written the way URL
 * parsing writes it back: no query or fragment (which would cut the appended path off and point the
 * hub's relay anywhere on that host), no user info, no trailing slash, no dot segments or escapes.
 */
export function endpointProblem(endpoint: unknown): string | undefined {
  if (typeof endpoint !== 'string' || endpoint.length > ENDPOINT_MAX) return `must be an http(s) URL of at most ${ENDPOINT_MAX} characters`;
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return 'must be an http(s) URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'must be an http(s) URL';
  if (url.username || url.password) return 'must not carry user info';
  if (endpoint.includes('?') || endpoint.includes('#')) return 'must not carry a query or fragment';
  if (endpoint.endsWith('/')) return 'must not end with a slash';
  const canonical = url.origin + (url.pathname === '/' ? '' : url.pathname);
  if (canonical !== endpoint) return `must be written as ${canonical}`;
  return undefined;
}

/**
 * Checks a join request as received: shape, proof of possession (signed by the key it announces),
 * key id, and clock window. Returns the payload; throws a vocabulary error naming what is wrong.
 */
export function verifyJoinRequest(doc: unknown, now = new Date()): JoinRequestPayload {
  const d = assertSignedShape<JoinRequestPayload>(doc);
  const p = d.payload;
  const problems: string[] = [];
  if (p.type !== JOIN_REQUEST_TYPE) problems.push(`payload.type must be "${JOIN_REQUEST_TYPE}"`);
  if (p.formatVersion !== FORMAT_VERSION) problems.push(`payload.formatVersion must be ${FORMAT_VERSION}`);
  if (typeof p.regionCode !== 'string' || !/^[0-9]{6}$/.test(p.regionCode)) problems.push('payload.regionCode must be 6 digits');
  if (typeof p.name !== 'string' || p.name.length < 1 || p.name.length > 64) problems.push('payload.name must be 1–64 characters');
  const endpoint = endpointProblem(p.endpoint);
  if (endpoint) problems.push(`payload.endpoint ${endpoint}`);
  if (typeof p.nonce !== 'string' || p.nonce.length < 8 || p.nonce.length > 128) problems.push('payload.nonce must be 8–128 characters');
  if (!p.key || typeof p.key !== 'object' || !isSuiteName(p.key.suite) || typeof p.key.publicKey !== 'string') {
    problems.push('payload.key must carry suite (ed25519|sm2-sm3), keyId and publicKey (PEM)');
  }
  const at = parseProtocolTime(p.requestedAt);
  if (at === undefined) problems.push(TIME_PROBLEM('payload.requestedAt'));
  if (problems.length > 0 || at === undefined) throw new TongbanError('E_INVALID_REQUEST', problems.join('; '));
  if (Math.abs(now.getTime() - at) > JOIN_CLOCK_WINDOW_MS) {
    throw new TongbanError('E_CLOCK_SKEW', `requestedAt ${p.requestedAt} is more than 5 minutes from the hub's clock`);
  }
  const suite = suiteFor(p.key.suite);
  let expectedKeyId: string;
  try {
    expectedKeyId = keyIdOf(suite, p.key.publicKey);
  } catch {
    throw new TongbanError('E_INVALID_REQUEST', `payload.key.publicKey is not a ${p.key.suite} public key`);
  }
  if (p.key.keyId !== expectedKeyId) throw new TongbanError('E_INVALID_REQUEST', `payload.key.keyId should be ${expectedKeyId}`);
  verifyDocument(d, { suite: p.key.suite, keyId: expectedKeyId, publicKeyPem: p.key.publicKey });
  return p;
}

export interface TrustAnchor {
  /** the hub key id the node trusts (pinned in config, or first seen) */
  keyId: string;
}

/**
 * Verifies a member list against the pinned hub key. The key material comes from the list itself,
 * but only the key whose id is pinned is accepted, so a forged list would need the hub's private key.
 */
export function verifyTrustList(doc: unknown, anchor: TrustAnchor): TrustListPayload {
  const d = assertSignedShape<TrustListPayload>(doc);
  const p = d.payload;
  if (p.type !== TRUST_LIST_TYPE || p.formatVersion !== FORMAT_VERSION || !Array.isArray(p.members) || !p.hub || !Array.isArray(p.hub.keys)) {
    throw new TongbanError('E_INVALID_REQUEST', 'not a tongban.trust-list document of format version 1');
  }
  const key = p.hub.keys.find((k) => k.keyId === anchor.keyId);
  if (!key) throw new TongbanError('E_NOT_TRUSTED', `the member list does not carry the pinned hub key ${anchor.keyId}`);
  const suite = suiteFor(key.suite);
  if (keyIdOf(suite, key.publicKey) !== key.keyId) throw new TongbanError('E_NOT_TRUSTED', 'hub key id does not match its public key');
  verifyDocument(d, { suite: key.suite, keyId: key.keyId, publicKeyPem: key.publicKey });
  return p;
}

export function isExpired(p: Pick<TrustListPayload, 'expiresAt'>, now = new Date()): boolean {
  return Date.parse(p.expiresAt) <= now.getTime();
}

/** The list's header as the federation API shows it. */
export function trustListSummary(p: TrustListPayload, now = new Date()) {
  return { version: p.version, issuedAt: p.issuedAt, expiresAt: p.expiresAt, expired: isExpired(p, now) };
}

/** A member as the federation API shows it: its active keys, and the suite they use. */
export function memberSummary(m: TrustListMember) {
  const active = m.keys.filter((k) => k.status === 'active');
  return {
    regionCode: m.regionCode,
    name: m.name,
    endpoint: m.endpoint,
    status: m.status,
    suite: active[0]?.suite ?? m.keys[0]?.suite ?? '',
    keyIds: active.map((k) => k.keyId),
  };
}

// ---- key rotation ---------------------------------------------------------------------------

export interface KeyRotationPayload {
  type: typeof KEY_ROTATION_TYPE;
  formatVersion: typeof FORMAT_VERSION;
  regionCode: string;
  oldKeyId: string;
  newKey: PublicKeyEntry;
  requestedAt: string;
  nonce: string;
}

/** A rotation is signed by the old key (authority) and carries a proof by the new key (possession). */
export interface KeyRotation extends SignedDocument<KeyRotationPayload> {
  proof: SignedDocument<KeyRotationPayload>['signature'];
}

export function buildKeyRotation(oldKey: Signer, newKey: Signer, regionCode: string, nonce: string, at = new Date()): KeyRotation {
  const payload: KeyRotationPayload = {
    type: KEY_ROTATION_TYPE,
    formatVersion: FORMAT_VERSION,
    regionCode,
    oldKeyId: oldKey.keyId,
    newKey: { keyId: newKey.keyId, suite: newKey.suite.name, publicKey: newKey.publicKeyPem },
    requestedAt: at.toISOString(),
    nonce,
  };
  return { ...signDocument(payload, oldKey), proof: signDocument(payload, newKey).signature };
}

/**
 * Checks a rotation as received, except who the old key belongs to (the hub knows that): shape,
 * clock window, and the new key's proof of possession. Returns the payload.
 */
export function verifyKeyRotationProof(doc: unknown, now = new Date()): KeyRotationPayload {
  const d = assertSignedShape<KeyRotationPayload>(doc, ['proof']);
  const proof = (doc as Partial<KeyRotation>).proof;
  const p = d.payload;
  if (p.type !== KEY_ROTATION_TYPE || p.formatVersion !== FORMAT_VERSION || typeof p.regionCode !== 'string' || typeof p.oldKeyId !== 'string' ||
      !p.newKey || !isSuiteName(p.newKey.suite) || typeof p.newKey.publicKey !== 'string' || typeof p.nonce !== 'string' || !proof) {
    throw new TongbanError('E_INVALID_REQUEST', 'not a tongban.key-rotation document of format version 1 with a proof');
  }
  const at = parseProtocolTime(p.requestedAt);
  if (at === undefined) throw new TongbanError('E_INVALID_REQUEST', TIME_PROBLEM('payload.requestedAt'));
  if (Math.abs(now.getTime() - at) > JOIN_CLOCK_WINDOW_MS) throw new TongbanError('E_CLOCK_SKEW', `requestedAt ${p.requestedAt} is outside ±5 minutes`);
  let newKeyId: string;
  try {
    newKeyId = keyIdOf(suiteFor(p.newKey.suite), p.newKey.publicKey);
  } catch {
    throw new TongbanError('E_INVALID_REQUEST', `newKey.publicKey is not a ${p.newKey.suite} public key`);
  }
  if (newKeyId !== p.newKey.keyId) throw new TongbanError('E_INVALID_REQUEST', `newKey.keyId should be ${newKeyId}`);
  if (newKeyId === p.oldKeyId) throw new TongbanError('E_INVALID_REQUEST', 'the new key is the old key');
  verifyDocument({ payload: p, signature: proof }, { suite: p.newKey.suite, keyId: newKeyId, publicKeyPem: p.newKey.publicKey });
  return p;
}
