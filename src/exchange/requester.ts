// The requester side: a signed-in clerk's request becomes a signed envelope, travels direct
// (桥梁式) or through the hub relay (辐射式), and the sealed answer is verified — provider key on
// the member list, seal over the exact payload, bound to this request — before anyone sees it.
// Slow sources answer later into the inbox, which applies each delivery once.

import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { TongbanError, isTongbanError, ERRORS, type ErrorCode } from '../core/errors.js';
import { maskIdNumber } from '../core/mask.js';
import { idNumberProblemText, validateIdNumber, validateUscc } from '../core/ids/index.js';
import { nowIso } from '../core/time.js';
import type { TongbanDB } from '../store/schema.js';
import type { ExchangeRequestTable } from './schema.js';
import type { TrustList, TrustListPayload } from '../federation/documents.js';
import {
  assertResponseShape, buildRequestPayload,
  type RequestPayload, type ResponsePayload, type SealedResponse, type SignedRequest,
} from './envelope.js';
import { messageHash, responseBinding, verifySeal, type BatchSigner } from './seal.js';
import { isUnknownKey, trustIndexOf } from './trust.js';
import { keyFor } from './provider.js';
import { canonicalBytes } from '../core/jcs.js';
import type { PeerHttp } from './http.js';
import { buildEvidence, evidenceDigest, evidenceRefusal, verifyEvidence, type EvidencePackage } from './evidence.js';
import type { AuditEvent, AuditSink } from '../audit/index.js';

export type Route = 'direct' | 'relay';

export interface ExchangeUser {
  id: string;
  name: string;
  department: string;
  roles: string[];
}

export interface ExchangeInput {
  target: string;
  resource: string;
  subject: { type: 'citizen' | 'enterprise'; idNumber: string };
  fields: string[];
  purpose: { serviceItem: string; caseId: string; agreementId?: string };
  authorisation?: { type: 'citizen-consent' | 'statutory'; reference: string };
  reply?: 'sync' | 'async';
}

export interface SealView {
  verified: boolean;
  reason?: string;
  suite: string;
  keyId: string;
  signer: { regionCode: string; name: string };
  requestHashMatches: boolean;
  batchSize: number;
  sealedAt: string;
}

export interface ExchangeView {
  messageId: string;
  status: 'completed' | 'pending' | 'failed';
  target: { regionCode: string; name: string };
  resource: string;
  fields: string[];
  subjectMasked: string;
  purpose: { serviceItem: string; caseId: string; agreementId?: string };
  /** the basis the request was sent on: the applicant's consent or a legal basis (法定依据) */
  authorisation?: { type: 'citizen-consent' | 'statutory'; reference: string };
  route: Route;
  user: { id: string; name: string };
  createdAt: string;
  completedAt: string | null;
  latencyMs: number | null;
  result?: { record: Record<string, string | number | null>; provenance: NonNullable<ResponsePayload['provenance']>; seal: SealView };
  error?: { code: string; message: string; messageZh: string; messageEn: string; detail?: string; fields?: string[] };
}

export interface RequesterOptions {
  db: Kysely<TongbanDB>;
  self: { code: string; name: string };
  trustList: () => TrustListPayload | null;
  hubUrl: string;
  signer: BatchSigner;
  audit: AuditSink;
  http: PeerHttp;
  logger: Logger;
  routeFor: (regionCode: string) => Route;
  timeoutMs: number;
  /** fetches the member list again now (rate-limited), for keys rotated since the last refresh */
  refreshTrust?: () => Promise<boolean>;
  /** the member list this node holds, verbatim as the hub signed it, and the hub key id it pins (for evidence packages) */
  memberList: () => Promise<{ document: TrustList; hubKeyId: string } | undefined>;
}

export class Requester {
  constructor(private readonly o: RequesterOptions) {}

  /** Sends a request and returns what became of it: completed, failed, or pending (slow source). */
  async request(input: ExchangeInput, user: ExchangeUser): Promise<ExchangeView> {
    const target = this.checkInput(input);
    const payload = buildRequestPayload({
      from: this.o.self.code,
      to: input.target,
      user: { id: user.id, name: user.name, department: user.department, roles: user.roles },
      purpose: input.purpose,
      subject: { type: input.subject.type, id: input.subject.idNumber },
      resource: input.resource,
      fields: input.fields,
      ...(input.authorisation ? { authorisation: input.authorisation } : {}),
      reply: { mode: input.reply ?? 'sync' },
    });
    const started = performance.now();
    const bytes = canonicalBytes(payload); // once: signed, hashed for the binding check, and stored
    const doc: SignedRequest = { payload, signature: await this.o.signer.sign(payload, bytes) };
    const requestHash = messageHash(this.o.signer.suiteName, payload, bytes);
    const serialised = JSON.stringify(doc);
    const route = this.o.routeFor(input.target);
    const url = route === 'direct' ? `${target.endpoint}/api/exchange/v1/requests` : `${this.o.hubUrl}/api/relay/v1/${input.target}/requests`;

    let outcome: Outcome;
    try {
      const res = await this.o.http.postJson(url, serialised, { timeoutMs: this.o.timeoutMs, headers: { 'x-tongban-from': this.o.self.code } });
      outcome = await this.readAnswer(payload, bytes, requestHash, res.body);
      if (outcome.response && res.text !== undefined) outcome.responseText = res.text;
    } catch (e) {
      let err = isTongbanError(e) ? e : new TongbanError('E_PEER_UNAVAILABLE', String(e));
      // through the relay, a connection that failed is the hub's, not the partner's
      if (route === 'relay' && err.code === 'E_PEER_UNAVAILABLE') err = new TongbanError('E_HUB_UNAVAILABLE', `the hub relaying to ${input.target} could not be reached (${err.detail ?? ''})`);
      outcome = { status: 'failed', error: errorInfo(err) };
    }
    const latency = Math.round(performance.now() - started);
    const row = this.toRow(doc, serialised, requestHash, route, user, outcome, latency);
    // the evidence record and the audit entry accounting for it commit together
    await this.o.audit.append({
      category: 'exchange',
      action: 'exchange.request.sent',
      actor: { type: 'user', id: user.id, regionCode: this.o.self.code, department: user.department },
      outcome: outcome.status === 'completed' ? 'ok' : outcome.status === 'pending' ? 'pending' : outcome.error?.code === 'E_PEER_UNAVAILABLE' || outcome.error?.code === 'E_HUB_UNAVAILABLE' || outcome.error?.code === 'E_TIMEOUT' ? 'error' : 'refused',
      ...(outcome.error ? { errorCode: outcome.error.code } : {}),
      messageId: payload.messageId,
      counterparty: payload.to,
      subject: { idNumber: payload.subject.id },
      purpose: payload.purpose,
      resource: payload.resource,
      fields: payload.fields,
      requestHash: row.request_hash,
      ...(outcome.responseHash ? { responseHash: outcome.responseHash } : {}),
      detail: { route, latencyMs: latency },
    }, { table: 'exchange_request', row });
    // the objects are at hand: no need to parse back what toRow serialised
    return this.toView(row, { response: outcome.response, seal: outcome.seal, fields: payload.fields, purpose: payload.purpose, authorisation: payload.authorisation });
  }

  /** Inbox: a sealed answer delivered later (slow source). Applies once; repeats are acknowledged. */
  async receive(body: unknown): Promise<{ duplicate: boolean }> {
    const doc = assertResponseShape(body);
    const p = doc.payload;
    if (p.to !== this.o.self.code) throw new TongbanError('E_INVALID_REQUEST', `delivery addressed to ${p.to}`);
    const seal = await this.checkSeal(p.from, doc);
    if (!seal.verified) throw deliveryRefusal(seal.reason ?? '');
    if (!p.inReplyTo) throw new TongbanError('E_INVALID_REQUEST', 'delivery answers no request');
    // only an answer the provider delivers later names its conversation; a synchronous answer (a sealed
    // refusal the provider gave whoever re-sent a captured request, say) is never a delivery
    if (p.status === 'accepted' || p.conversationId !== p.inReplyTo) {
      throw new TongbanError('E_INVALID_REQUEST', 'not a later answer: a delivery carries conversationId equal to inReplyTo and status ok or error');
    }
    const row = await this.o.db.selectFrom('exchange_request').selectAll().where('message_id', '=', p.inReplyTo).executeTakeFirst();
    if (!row || row.target_region !== p.from) throw new TongbanError('E_NOT_FOUND', `no exchange ${p.inReplyTo} with ${p.from}`);
    const request = JSON.parse(row.request) as SignedRequest;
    const { bound } = responseBinding(p, request.payload);
    if (!bound) throw new TongbanError('E_SIGNATURE', 'delivery is not bound to the request it names');
    const outcome = this.outcomeOf(doc, { ...seal, requestHashMatches: bound });
    // applied before: its inbox row, or the answer it left on the request (inbox rows are purged in time)
    if (await this.inInbox(p.messageId) || answerIdOf(row.response) === p.messageId) return { duplicate: true };
    // a request holds one final answer: a second one (another message answering the same request) is
    // recorded and acknowledged, never applied over the first
    const superseded = !(row.status === 'pending' || row.response === null);
    const at = nowIso();
    const event: AuditEvent = {
      category: 'exchange',
      action: 'exchange.response.received',
      actor: { type: 'node', id: p.from, regionCode: p.from },
      outcome: !superseded && outcome.status === 'completed' ? 'ok' : 'refused',
      ...(superseded ? { errorCode: 'E_CONFLICT' } : outcome.error ? { errorCode: outcome.error.code } : {}),
      messageId: p.messageId,
      conversationId: p.inReplyTo,
      counterparty: p.from,
      subject: { idNumber: request.payload.subject.id },
      purpose: request.payload.purpose,
      resource: request.payload.resource,
      fields: request.payload.fields,
      requestHash: row.request_hash,
      responseHash: messageHash(this.o.signer.suiteName, p),
      ...(superseded ? { detail: { reason: 'the request already holds a final answer; this one was not applied' } } : {}),
    };
    try {
      // the inbox row, the answer on the request and the audit entry commit together, or none of them
      await this.o.audit.append(event, async (tx) => {
        await tx.insertInto('exchange_inbox').values({ message_id: p.messageId, from_region: p.from, in_reply_to: p.inReplyTo!, received_at: at }).execute();
        if (superseded) return;
        const applied = await tx
          .updateTable('exchange_request')
          .set({
            status: outcome.status,
            response: JSON.stringify(doc),
            seal: JSON.stringify(outcome.seal ?? seal),
            error_code: outcome.error?.code ?? null,
            error_detail: outcome.error?.detail ?? null,
            completed_at: at,
            latency_ms: Date.parse(at) - Date.parse(row.created_at),
          })
          .where('message_id', '=', p.inReplyTo!)
          .where((eb) => eb.or([eb('status', '=', 'pending'), eb('response', 'is', null)]))
          .executeTakeFirst();
        if (Number(applied.numUpdatedRows) !== 1) throw new TongbanError('E_CONFLICT', `exchange ${p.inReplyTo} was answered meanwhile`);
      });
    } catch (e) {
      // the same message delivered twice at once: the other delivery applied it
      if (await this.inInbox(p.messageId)) return { duplicate: true };
      throw e;
    }
    return { duplicate: false };
  }

  private async inInbox(messageId: string): Promise<boolean> {
    return (await this.o.db.selectFrom('exchange_inbox').select('message_id').where('message_id', '=', messageId).executeTakeFirst()) !== undefined;
  }

  async view(messageId: string): Promise<ExchangeView | undefined> {
    const row = await this.o.db.selectFrom('exchange_request').selectAll().where('message_id', '=', messageId).executeTakeFirst();
    return row ? this.toView(row) : undefined;
  }

  /**
   * The evidence package (存证包) of a completed exchange, for `reader` when `mayRead` lets them read it
   * (E_NOT_FOUND otherwise): the signed request and sealed response as stored, with the member list this
   * node holds. Checked as anyone will check it before it is handed out; the export is an access to
   * personal data and is audited (exchange.evidence.exported, the package's digest as its responseHash).
   */
  async evidence(messageId: string, reader: ExchangeUser, mayRead: (ownerId: string) => boolean): Promise<EvidencePackage> {
    const row = await this.o.db.selectFrom('exchange_request').selectAll().where('message_id', '=', messageId).executeTakeFirst();
    if (!row || !mayRead(row.user_id)) throw new TongbanError('E_NOT_FOUND', `exchange ${messageId}`);
    const response = row.response ? (JSON.parse(row.response) as SealedResponse) : undefined;
    if (row.status !== 'completed' || response?.payload.status !== 'ok' || !row.completed_at) {
      throw new TongbanError('E_CONFLICT', `exchange ${messageId} is ${row.status}: only a completed exchange, with the provider's sealed record, has an evidence package`);
    }
    const held = await this.o.memberList();
    if (!held) throw new TongbanError('E_TRUST_LIST_EXPIRED', 'this node holds no member list to put in the package');
    const request = JSON.parse(row.request) as SignedRequest;
    const pkg = buildEvidence({ request, response, memberList: held.document, hubKeyId: held.hubKeyId, route: row.route as Route, receivedAt: row.completed_at });
    const report = verifyEvidence(pkg, { hubKeyId: held.hubKeyId });
    if (report.failure) {
      this.o.logger.error({ messageId, check: report.failure.check }, 'an evidence package this node built does not verify; not handed out');
      throw evidenceRefusal(report.failure);
    }
    const p = request.payload;
    await this.o.audit.append({
      category: 'exchange',
      action: 'exchange.evidence.exported',
      actor: { type: 'user', id: reader.id, regionCode: this.o.self.code, department: reader.department },
      outcome: 'ok',
      messageId,
      counterparty: p.to,
      subject: { idNumber: p.subject.id },
      purpose: p.purpose,
      resource: p.resource,
      fields: p.fields,
      requestHash: row.request_hash,
      // what this export answered with: the package's digest, which the verifier prints, ties a file to its
      // export (kept in the hash column: a detail string is masked, and a hex digest can hold 18 digits)
      responseHash: evidenceDigest(pkg),
      detail: { exportedAt: pkg.exportedAt, ...(reader.id !== row.user_id ? { requestedBy: row.user_id } : {}) },
    });
    return pkg;
  }

  async list(userId: string, limit: number): Promise<ExchangeView[]> {
    const rows = await this.o.db.selectFrom('exchange_request').selectAll().where('user_id', '=', userId).orderBy('created_at', 'desc').limit(limit).execute();
    return rows.map((r) => this.toView(r));
  }

  // ---- internals --------------------------------------------------------------------------

  private checkInput(input: ExchangeInput) {
    const list = this.o.trustList();
    if (!list) throw new TongbanError('E_TRUST_LIST_EXPIRED', 'this node holds no member list yet');
    if (input.target === this.o.self.code) throw new TongbanError('E_INVALID_REQUEST', 'target: a node does not exchange with itself; read your own registries directly');
    const target = trustIndexOf(list).member(input.target);
    if (!target) throw new TongbanError('E_INVALID_REQUEST', `target: ${input.target} is not a federation member`);
    if (target.status !== 'active') throw new TongbanError('E_NOT_TRUSTED', `target: ${input.target} is ${target.status}`);
    const id = input.subject.idNumber;
    if (input.subject.type === 'citizen') {
      // the detail reaches the request log: it names the broken rule, never the number's parts
      const verdict = validateIdNumber(id);
      if (!verdict.valid) throw new TongbanError('E_INVALID_REQUEST', `subject: not a valid GB 11643 ID number: ${idNumberProblemText(verdict).en}`);
    } else {
      const verdict = validateUscc(id);
      if (!verdict.valid) throw new TongbanError('E_INVALID_REQUEST', `subject: ${verdict.reason}`);
    }
    return target;
  }

  private async readAnswer(request: RequestPayload, requestBytes: Buffer, ownHash: string, body: unknown): Promise<Outcome> {
    let doc: SealedResponse;
    try {
      doc = assertResponseShape(body);
    } catch {
      // not a sealed answer: an error from the transport (relay, HTTP layer) in the common error body
      const err = (body as { error?: { code?: string; detail?: string } } | null)?.error;
      const code = (err?.code && err.code in ERRORS ? err.code : 'E_PEER_UNAVAILABLE') as ErrorCode;
      return { status: 'failed', error: errorInfo(new TongbanError(code, err?.detail ?? 'the answer was not a sealed exchange response')) };
    }
    const p = doc.payload;
    const responseBytes = canonicalBytes(p);
    const seal = await this.checkSeal(request.to, doc, responseBytes);
    const { bound, addressed } = responseBinding(p, request, requestBytes, ownHash);
    const full = { ...seal, requestHashMatches: bound };
    if (!seal.verified || !bound || !addressed) {
      const reason = !seal.verified ? seal.reason : !bound ? 'the answer is not bound to this request' : 'the answer is addressed wrongly';
      return { status: 'failed', response: doc, seal: { ...full, verified: false, reason }, error: errorInfo(new TongbanError('E_SIGNATURE', reason)) };
    }
    return { ...this.outcomeOf(doc, full), responseHash: messageHash(this.o.signer.suiteName, p, responseBytes) };
  }

  private outcomeOf(doc: SealedResponse, seal: SealView): Outcome {
    const p = doc.payload;
    if (p.status === 'ok') return { status: 'completed', response: doc, seal };
    if (p.status === 'accepted') return { status: 'pending', response: doc, seal };
    return { status: 'failed', response: doc, seal, error: p.error! };
  }

  private async checkSeal(from: string, doc: SealedResponse, bytes: Buffer = canonicalBytes(doc.payload)): Promise<SealView> {
    const s = doc.seal;
    const list = this.o.trustList();
    const base: SealView = {
      verified: false,
      suite: s.suite,
      keyId: s.keyId,
      signer: { regionCode: from, name: list ? (trustIndexOf(list).member(from)?.name ?? from) : from },
      requestHashMatches: false,
      batchSize: s.batch.size,
      sealedAt: doc.payload.createdAt,
    };
    try {
      const key = await keyFor(this.o.trustList, this.o.refreshTrust, from, s.keyId, s.suite);
      const check = verifySeal(doc.payload, s, key.publicKey, bytes);
      return check.ok ? { ...base, verified: true } : { ...base, reason: `E_SIGNATURE: ${check.reason}` };
    } catch (e) {
      return { ...base, reason: isTongbanError(e) ? `${e.code}: ${e.detail ?? ''}` : String(e) };
    }
  }

  private toRow(doc: SignedRequest, serialised: string, requestHash: string, route: Route, user: ExchangeUser, o: Outcome, latency: number): ExchangeRequestTable {
    const p = doc.payload;
    const done = o.status !== 'pending';
    return {
      message_id: p.messageId,
      target_region: p.to,
      resource: p.resource,
      fields: JSON.stringify(p.fields),
      subject_masked: maskIdNumber(p.subject.id),
      purpose: JSON.stringify(p.purpose),
      user_id: user.id,
      user_name: user.name,
      route,
      status: o.status,
      request_hash: requestHash,
      request: serialised,
      response: o.responseText ?? (o.response ? JSON.stringify(o.response) : null),
      seal: o.seal ? JSON.stringify(o.seal) : null,
      error_code: o.error?.code ?? null,
      error_detail: o.error?.detail ?? null,
      created_at: p.createdAt,
      completed_at: done ? nowIso() : null,
      latency_ms: done ? latency : null,
    };
  }

  private toView(row: ExchangeRequestTable, parsed?: { response: SealedResponse | undefined; seal: SealView | undefined; fields: string[]; purpose: ExchangeView['purpose']; authorisation: RequestPayload['authorisation'] }): ExchangeView {
    const list = this.o.trustList();
    const response = parsed ? parsed.response : row.response ? (JSON.parse(row.response) as SealedResponse) : undefined;
    const seal = parsed ? parsed.seal : row.seal ? (JSON.parse(row.seal) as SealView) : undefined;
    const view: ExchangeView = {
      messageId: row.message_id,
      status: row.status as ExchangeView['status'],
      target: { regionCode: row.target_region, name: list ? (trustIndexOf(list).member(row.target_region)?.name ?? row.target_region) : row.target_region },
      resource: row.resource,
      fields: parsed?.fields ?? (JSON.parse(row.fields) as string[]),
      subjectMasked: row.subject_masked,
      purpose: parsed?.purpose ?? (JSON.parse(row.purpose) as ExchangeView['purpose']),
      ...basisOf(parsed ? parsed.authorisation : (JSON.parse(row.request) as SignedRequest).payload.authorisation),
      route: row.route as Route,
      user: { id: row.user_id, name: row.user_name },
      createdAt: row.created_at,
      completedAt: row.completed_at,
      latencyMs: row.latency_ms,
    };
    if (response?.payload.status === 'ok' && seal && response.payload.record && response.payload.provenance) {
      view.result = { record: response.payload.record, provenance: response.payload.provenance, seal };
    }
    if (row.status === 'failed') {
      const e = response?.payload.error;
      view.error = e ?? errorInfo(new TongbanError((row.error_code ?? 'E_INTERNAL') as ErrorCode, row.error_detail ?? undefined));
    }
    return view;
  }
}

interface Outcome {
  status: 'completed' | 'pending' | 'failed';
  /** digest of the verified response payload, for the audit log */
  responseHash?: string;
  response?: SealedResponse;
  /** the response exactly as it arrived, stored as the evidence */
  responseText?: string;
  seal?: SealView;
  error?: NonNullable<ExchangeView['error']>;
}

/**
 * Why a delivery's seal was not accepted, as the error the sender's outbox acts on: E_SIGNATURE and
 * E_NOT_TRUSTED end its retries, so they are kept for what will never pass; not being able to check now
 * (no member list, a key this node's list does not hold yet — a rotation it has not seen) is 503.
 */
function deliveryRefusal(reason: string): TongbanError {
  const code = reason.split(':')[0];
  if (code === 'E_TRUST_LIST_EXPIRED') return new TongbanError('E_TRUST_LIST_EXPIRED', reason);
  if (code === 'E_NOT_TRUSTED' && isUnknownKey(reason)) {
    return new TongbanError('E_HUB_UNAVAILABLE', `${reason}; not on this node's member list yet: deliver again later`);
  }
  return new TongbanError(code === 'E_NOT_TRUSTED' ? 'E_NOT_TRUSTED' : 'E_SIGNATURE', reason);
}

/** The basis a request carried (its type and reference; when it was granted stays in the evidence). */
function basisOf(a: RequestPayload['authorisation']): Pick<ExchangeView, 'authorisation'> {
  return a ? { authorisation: { type: a.type, reference: a.reference } } : {};
}

/** The message id of the sealed answer a request row holds, if any. */
function answerIdOf(response: string | null): string | undefined {
  return response ? (JSON.parse(response) as SealedResponse).payload.messageId : undefined;
}

function errorInfo(e: TongbanError): NonNullable<ExchangeView['error']> {
  const spec = ERRORS[e.code];
  return { code: e.code, message: spec.zh, messageZh: spec.zh, messageEn: spec.en, ...(e.detail ? { detail: e.detail } : {}), ...(e.fields ? { fields: [...e.fields] } : {}) };
}
