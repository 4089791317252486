// The evidence package (存证包) a clerk takes away: the signed request and the sealed response exactly
// as the requester stored them, the hub-signed member list the node holds (retired keys included) and
// the hub key id it pins, with a summary for people — checkable offline by anyone who has the hub's
// published key id and nothing else. Pure: building a package and checking it. The node checks every
// package it hands out with verifyEvidence (Requester.evidence), and so does `tongban exchange
// verify-evidence` (cli.ts). Each rule stays with its owner: the member list's signature
// (federation/documents.ts), which key a member signed with when (trust.ts), the seal and the binding
// (seal.ts), the message shapes (envelope.ts). docs/PROTOCOL.md §5.8 specifies the package.

import { Type, type Static } from 'typebox';
import { TongbanError, isTongbanError, type ErrorCode } from '../core/errors.js';
import { canonicalize } from '../core/jcs.js';
import { maskIdNumber } from '../core/mask.js';
import { assertSignedShape } from '../core/signed-document.js';
import { nowIso, parseProtocolTime, TIME_PROBLEM } from '../core/time.js';
import { isExpired, verifyTrustList, type TrustList, type TrustListMemberKey, type TrustListPayload } from '../federation/documents.js';
import {
  assertRequestShape, assertResponseShape, IsoTime, MessageId, RegionCode, shapeCheck,
  type RequestPayload, type ResponsePayload, type SealedResponse, type SignedRequest,
} from './envelope.js';
import { messageHash, responseBinding, verifySeal } from './seal.js';
import { trustIndexOf } from './trust.js';

export const EVIDENCE_TYPE = 'tongban.exchange-evidence';
export const EVIDENCE_FORMAT = 1;

const Closed = { additionalProperties: false } as const;

/** What a person reads first. Everything but `route` and `receivedAt` is what the signed documents say. */
export const EvidenceSummarySchema = Type.Object(
  {
    messageId: MessageId,
    provider: Type.Object({ regionCode: RegionCode, name: Type.String(), department: Type.String(), sourceSystem: Type.String() }, Closed),
    requester: Type.Object({ regionCode: RegionCode, name: Type.String() }, Closed),
    clerk: Type.Object({ id: Type.String(), name: Type.String(), department: Type.String() }, Closed),
    resource: Type.String(),
    fields: Type.Array(Type.String()),
    subject: Type.Object({ type: Type.Enum(['citizen', 'enterprise']), masked: Type.String() }, Closed),
    purpose: Type.Object({ serviceItem: Type.String(), caseId: Type.String(), agreementId: Type.Optional(Type.String()) }, Closed),
    authorisation: Type.Optional(Type.Object({ type: Type.Enum(['citizen-consent', 'statutory']), reference: Type.String() }, Closed)),
    requestedAt: IsoTime,
    sealedAt: IsoTime,
    dataTime: IsoTime,
    /** when the requester received and verified the answer: the exporting node's statement, not signed */
    receivedAt: IsoTime,
    /** how the exchange travelled: the exporting node's statement, not signed */
    route: Type.Enum(['direct', 'relay']),
  },
  Closed,
);

const EvidenceSchema = Type.Object(
  {
    type: Type.Literal(EVIDENCE_TYPE),
    formatVersion: Type.Literal(EVIDENCE_FORMAT),
    exportedAt: IsoTime,
    hubKeyId: Type.String({ pattern: '^(ed25519|sm2-sm3):[0-9a-f]{32}$' }),
    summary: EvidenceSummarySchema,
    // checked by their owners: envelope.ts for the messages, signed-document.ts for the member list
    request: Type.Unknown(),
    response: Type.Unknown(),
    memberList: Type.Unknown(),
  },
  Closed,
);

export type EvidenceSummary = Static<typeof EvidenceSummarySchema>;

export interface EvidencePackage {
  type: typeof EVIDENCE_TYPE;
  formatVersion: typeof EVIDENCE_FORMAT;
  exportedAt: string;
  /** the hub key id the exporting node pins (its configuration's hub.keyId, or the key it pinned on first use) */
  hubKeyId: string;
  summary: EvidenceSummary;
  request: SignedRequest;
  response: SealedResponse;
  memberList: TrustList;
}

export interface EvidenceInput {
  request: SignedRequest;
  response: SealedResponse;
  memberList: TrustList;
  hubKeyId: string;
  route: EvidenceSummary['route'];
  receivedAt: string;
}

/** The package for one completed exchange, from what the requester stored and the member list it holds. */
export function buildEvidence(i: EvidenceInput, exportedAt = new Date()): EvidencePackage {
  return {
    type: EVIDENCE_TYPE,
    formatVersion: EVIDENCE_FORMAT,
    exportedAt: nowIso(exportedAt),
    hubKeyId: i.hubKeyId,
    summary: summarise(i.request.payload, i.response.payload, i.memberList.payload, i),
    request: i.request,
    response: i.response,
    memberList: i.memberList,
  };
}

/** The summary the signed documents make, with the exporting node's two statements. */
function summarise(q: RequestPayload, r: ResponsePayload, list: Pick<TrustListPayload, 'members'>, stated: Pick<EvidenceSummary, 'route' | 'receivedAt'>): EvidenceSummary {
  const name = (code: string) => list.members.find((m) => m.regionCode === code)?.name ?? code;
  const p = r.provenance!;
  return {
    messageId: q.messageId,
    provider: { regionCode: r.from, name: name(r.from), department: p.department, sourceSystem: p.sourceSystem },
    requester: { regionCode: q.from, name: name(q.from) },
    clerk: { id: q.user.id, name: q.user.name, department: q.user.department },
    resource: q.resource,
    fields: q.fields,
    subject: { type: q.subject.type, masked: maskIdNumber(q.subject.id) },
    purpose: q.purpose,
    ...(q.authorisation ? { authorisation: { type: q.authorisation.type, reference: q.authorisation.reference } } : {}),
    requestedAt: q.createdAt,
    sealedAt: r.createdAt,
    dataTime: p.dataTime,
    receivedAt: stated.receivedAt,
    route: stated.route,
  };
}

// ---- verification ---------------------------------------------------------------------------

/** The checks, in the order they run; the first that fails ends the verification. */
export const EVIDENCE_CHECKS = ['package', 'hub-key', 'member-list', 'provider-key', 'seal', 'binding', 'requester-key', 'request-signature', 'summary'] as const;
export type EvidenceCheckName = (typeof EVIDENCE_CHECKS)[number];

export interface EvidenceCheck {
  check: EvidenceCheckName;
  ok: boolean;
  /** what was checked and found, or why it failed */
  detail: string;
}

export interface EvidenceReport {
  /** every check passed */
  ok: boolean;
  /** the hub key the member list was checked against */
  hubKeyId?: string;
  /** that key was given by the verifier; false: taken from the package, to be compared with the key id the hub operator publishes */
  hubKeyPinned: boolean;
  /** the checks that ran, in order, up to and including the first failure */
  checks: EvidenceCheck[];
  failure?: EvidenceCheck;
  /** the package, once its shape passed */
  evidence?: EvidencePackage;
  /** facts worth knowing that do not decide the verdict */
  notes: string[];
}

const evidenceProblem = shapeCheck(EvidenceSchema);

/**
 * Checks a package as read from its file, naming the first failure: its shape; that the member list is
 * signed by the hub key (`hubKeyId` when the verifier gives one, else the one the package names) and
 * verifies; that the provider's key is on it for the provider region, of the seal's suite and not
 * retired before the seal; the seal over the response with its batch proof; that the response is bound
 * to the request; the same for the requester's key and its signature over the request; and that the
 * summary says what the signed documents say.
 */
export function verifyEvidence(doc: unknown, opts: { hubKeyId?: string } = {}): EvidenceReport {
  const checks: EvidenceCheck[] = [];
  const notes: string[] = [];
  let pkg: EvidencePackage | undefined;
  let hubKeyId: string | undefined = opts.hubKeyId;
  let list!: TrustListPayload;
  let providerKey!: TrustListMemberKey;
  let requesterKey!: TrustListMemberKey;
  const read = () => pkg!;

  const steps: Record<EvidenceCheckName, () => string> = {
    package: () => {
      pkg = evidenceShape(doc);
      return `${EVIDENCE_TYPE}, format version ${EVIDENCE_FORMAT}, exported ${pkg.exportedAt}`;
    },
    'hub-key': () => {
      const e = read();
      hubKeyId ??= e.hubKeyId;
      if (e.hubKeyId !== hubKeyId) throw new TongbanError('E_NOT_TRUSTED', `the package names hub key ${e.hubKeyId}, not the key given (${hubKeyId})`);
      if (e.memberList.signature.keyId !== hubKeyId) throw new TongbanError('E_NOT_TRUSTED', `the member list is signed by ${e.memberList.signature.keyId}, not by hub key ${hubKeyId}`);
      return opts.hubKeyId === undefined
        ? `the member list is signed by hub key ${hubKeyId}, as the package says (not pinned: compare it with the key id the hub operator publishes)`
        : `the member list is signed by hub key ${hubKeyId}, the key given`;
    },
    'member-list': () => {
      list = verifyTrustList(read().memberList, { keyId: hubKeyId! });
      if (isExpired(list)) notes.push(`the member list (version ${list.version}) expired at ${list.expiresAt}; that does not matter here: it says which keys were in force when the messages were signed`);
      return `version ${list.version}, issued ${list.issuedAt}: the hub's signature verifies`;
    },
    'provider-key': () => {
      const r = read().response;
      providerKey = trustIndexOf(list).keyAt(r.payload.from, r.seal.keyId, r.seal.suite, r.payload.createdAt);
      const member = trustIndexOf(list).member(r.payload.from)!;
      if (member.status !== 'active') notes.push(`the member list shows ${member.name} ${member.regionCode} as ${member.status} now; its key was in force when it sealed`);
      return keyInForce(providerKey, member.name, r.payload.from, 'sealed', r.payload.createdAt);
    },
    seal: () => {
      const s = read().response.seal;
      sealed(verifySeal(read().response.payload, s, providerKey.publicKey));
      return `the provider's seal over the response verifies (${s.batch.size === 1 ? 'sealed alone' : `one of ${s.batch.size} messages sealed together, inclusion proof of ${s.batch.proof.length} hashes`})`;
    },
    binding: () => {
      const { request: q, response: r } = read();
      const b = responseBinding(r.payload, q.payload);
      if (!b.bound) throw new TongbanError('E_SIGNATURE', `the response is not bound to this request: its inReplyTo ${r.payload.inReplyTo} and requestHash ${r.payload.requestHash} are not those of request ${q.payload.messageId} as it stands`);
      if (!b.addressed) throw new TongbanError('E_SIGNATURE', `the response goes ${r.payload.from} → ${r.payload.to}; the request went ${q.payload.from} → ${q.payload.to}`);
      return `the response answers request ${q.payload.messageId} and carries its hash ${r.payload.requestHash}; ${r.payload.from} → ${r.payload.to}`;
    },
    'requester-key': () => {
      const q = read().request;
      requesterKey = trustIndexOf(list).keyAt(q.payload.from, q.signature.keyId, q.signature.suite, q.payload.createdAt);
      return keyInForce(requesterKey, trustIndexOf(list).member(q.payload.from)!.name, q.payload.from, 'signed', q.payload.createdAt);
    },
    'request-signature': () => {
      sealed(verifySeal(read().request.payload, read().request.signature, requesterKey.publicKey));
      return "the requester's signature over the request verifies";
    },
    summary: () => {
      const e = read();
      const expected = summarise(e.request.payload, e.response.payload, list, e.summary);
      const differs = [...new Set([...Object.keys(expected), ...Object.keys(e.summary)])].find(
        (k) => canonicalize(expected[k as keyof EvidenceSummary] ?? null) !== canonicalize(e.summary[k as keyof EvidenceSummary] ?? null),
      );
      if (differs !== undefined) throw new TongbanError('E_SIGNATURE', `summary.${differs} does not say what the signed documents say`);
      return 'it says what the signed documents say (route and receivedAt are the exporting node\'s statement, not signed)';
    },
  };

  for (const check of EVIDENCE_CHECKS) {
    try {
      checks.push({ check, ok: true, detail: steps[check]() });
    } catch (e) {
      checks.push({ check, ok: false, detail: isTongbanError(e) ? (e.detail ?? e.message) : String((e as Error)?.message ?? e) });
      break;
    }
  }
  const failure = checks.find((c) => !c.ok);
  return {
    ok: failure === undefined,
    ...(hubKeyId !== undefined ? { hubKeyId } : {}),
    hubKeyPinned: opts.hubKeyId !== undefined,
    checks,
    ...(failure ? { failure } : {}),
    ...(pkg ? { evidence: pkg } : {}),
    notes,
  };
}

/** The closed shape of a package, its messages by their own schemas, and an answer that carries a record. */
function evidenceShape(doc: unknown): EvidencePackage {
  const d = doc as Partial<EvidencePackage> | null;
  if (!d || typeof d !== 'object' || Array.isArray(d) || d.type !== EVIDENCE_TYPE) throw new TongbanError('E_INVALID_REQUEST', `not a ${EVIDENCE_TYPE} package`);
  if (d.formatVersion !== EVIDENCE_FORMAT) throw new TongbanError('E_INVALID_REQUEST', `format version ${JSON.stringify(d.formatVersion)} is not one this verifier knows (it knows ${EVIDENCE_FORMAT})`);
  const problem = evidenceProblem(doc);
  if (problem !== undefined) throw new TongbanError('E_INVALID_REQUEST', problem);
  for (const [field, value] of [['exportedAt', d.exportedAt], ['summary.receivedAt', d.summary!.receivedAt]] as const) {
    if (parseProtocolTime(value) === undefined) throw new TongbanError('E_INVALID_REQUEST', TIME_PROBLEM(field));
  }
  const within = (what: string, check: () => unknown) => {
    try {
      check();
    } catch (e) {
      throw new TongbanError('E_INVALID_REQUEST', `${what}: ${isTongbanError(e) ? e.detail : String(e)}`);
    }
  };
  within('request', () => assertRequestShape(d.request));
  within('response', () => assertResponseShape(d.response));
  within('memberList', () => assertSignedShape(d.memberList));
  const r = (d.response as SealedResponse).payload;
  if (r.status !== 'ok' || !r.record || !r.provenance) throw new TongbanError('E_INVALID_REQUEST', `response: status ${r.status}, no record with its provenance: only a completed exchange is evidence`);
  return d as EvidencePackage;
}

function sealed(check: ReturnType<typeof verifySeal>): void {
  if (!check.ok) throw new TongbanError('E_SIGNATURE', check.reason);
}

function keyInForce(key: TrustListMemberKey, name: string, regionCode: string, did: string, at: string): string {
  const status = key.status === 'active' ? 'active' : `retired ${key.retiredAt}, after it ${did}`;
  return `${key.keyId} (${key.suite}) of ${name} ${regionCode}, ${status} — it ${did} at ${at}`;
}

/** The error a node answers with when a package it would hand out does not verify. */
export function evidenceRefusal(failure: EvidenceCheck): TongbanError {
  const code: ErrorCode = failure.check.endsWith('-key') ? 'E_NOT_TRUSTED' : failure.check === 'package' ? 'E_INTERNAL' : 'E_SIGNATURE';
  return new TongbanError(code, `the evidence package does not verify: ${failure.check}: ${failure.detail}`);
}

/** The file name a package is served under. */
/**
 * The package's digest: its canonical JSON hashed with the requester's suite (SM3 or SHA-256, as the
 * request's signature names it), so anyone holding the file computes the same. The exporting node's audit
 * log records it with the export; the verifier prints it.
 */
export function evidenceDigest(pkg: EvidencePackage): string {
  return messageHash(pkg.request.signature.suite, pkg);
}

export function evidenceFileName(messageId: string): string {
  return `tongban-evidence-${messageId}.json`;
}
