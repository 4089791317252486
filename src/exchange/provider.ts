// The provider side of an exchange: one home for every check, in the order DESIGN.md gives —
// shape, addressee, trust list and key, signature, clock window, replay → access policy → source
// adapter → minimise → seal → audit. A check is never repeated and never skipped.

import type { Logger } from 'pino';
import { TongbanError, isTongbanError, ERRORS, type ErrorCode } from '../core/errors.js';
import { readSource, type ResourceRegistry } from '../adapters/index.js';
import { capFlags } from '../adapters/values.js';
import { evaluateAccess, type AccessRule } from '../policy/access.js';
import type { TrustListPayload } from '../federation/documents.js';
import {
  QUALITY_NOTE_MAX, RECORD_VALUE_MAX, acceptedPayload, assertRequestShape, errorPayload, okPayload,
  type RequestPayload, type ResponseContext, type ResponsePayload, type SealedResponse, type SignedRequest,
} from './envelope.js';
import { messageHash, verifySeal, type BatchSigner } from './seal.js';
import { canonicalBytes } from '../core/jcs.js';
import { maskPersonalData } from '../core/mask.js';
import { isUnknownKey, trustIndexOf } from './trust.js';
import type { ReplayGuard } from './replay.js';
import type { AuditSink } from '../audit/index.js';
import type { ConversationLedger } from './conversations.js';
import { RejectionLimiter } from './rejections.js';

export interface ProviderOptions {
  self: string;
  trustList: () => TrustListPayload | null;
  resources: ResourceRegistry;
  rules: () => AccessRule[];
  sealer: BatchSigner;
  replay: ReplayGuard;
  audit: AuditSink;
  logger: Logger;
  clockWindowMs: number;
  /** answer 202 and deliver later when the source takes longer than this */
  syncBudgetMs: number;
  /** fetches the member list again now (rate-limited); called when a member signs with a key not on it yet */
  refreshTrust?: () => Promise<boolean>;
  /** slow exchanges: remembered before the 202, answered once through durable delivery */
  conversations: ConversationLedger;
}

export interface ProviderAnswer {
  status: number;
  doc: SealedResponse;
}

export class Provider {
  constructor(private readonly o: ProviderOptions) {}

  private readonly rejections = new RejectionLimiter();

  /**
   * Serves one exchange request as received (already JSON-parsed, not otherwise touched). `sender` is
   * the address it came from: unauthenticated messages are answered (sealed, audited) a limited number
   * of times a minute per address, then refused with a plain E_RATE_LIMITED.
   */
  async serve(body: unknown, sender?: string): Promise<ProviderAnswer> {
    let req: SignedRequest | undefined;
    let ctx: ResponseContext = { self: this.o.self, requestHash: null };
    let authentic = false;
    try {
      req = assertRequestShape(body);
      const p = req.payload;
      const bytes = canonicalBytes(p); // once: for the request hash and the signature check
      ctx = { self: this.o.self, request: p, requestHash: messageHash(this.o.sealer.suiteName, p, bytes) };
      if (p.to !== this.o.self) throw new TongbanError('E_INVALID_REQUEST', `addressed to ${p.to}, this node is ${this.o.self}`);
      await this.authenticate(req, bytes);
      authentic = true;
      this.checkClock(p);
      await this.o.replay.claim(p.messageId, p.from, p.createdAt);

      const resource = this.o.resources.get(p.resource);
      const decision = evaluateAccess(p, resource?.def, this.o.rules());
      if (!decision.allow) throw refusalOf(decision);

      const fetching = readSource(resource!, p.subject.id, decision.fields);
      fetching.catch(() => undefined); // consumed below or by finishLater; never an unhandled rejection
      const outcome = p.reply.mode === 'async' ? undefined : await raceBudget(fetching, this.o.syncBudgetMs);
      if (!outcome) return await this.goAsync(req, ctx, fetching);
      return await this.answerOk(ctx, req, outcome.record, resource!.def);
    } catch (e) {
      if (!authentic && sender !== undefined && !this.rejections.allow(sender)) {
        const retryAfterSeconds = this.rejections.retryAfterSeconds(sender);
        throw new TongbanError('E_RATE_LIMITED', `too many unauthenticated messages from ${sender}; try again in ${retryAfterSeconds} s`, { retryAfterSeconds });
      }
      return this.answerError(ctx, req, e, authentic);
    }
  }

  /** Re-runs a slow exchange this replica has taken over (its id was already claimed). */
  async resume(req: SignedRequest): Promise<void> {
    const p = req.payload;
    const ctx: ResponseContext = { self: this.o.self, request: p, requestHash: messageHash(this.o.sealer.suiteName, p) };
    const resource = this.o.resources.get(p.resource);
    // access is decided again: the rules (or the resource) may have changed since the request was accepted
    const decision = evaluateAccess(p, resource?.def, this.o.rules());
    const reading = decision.allow ? readSource(resource!, p.subject.id, decision.fields) : Promise.reject(refusalOf(decision));
    reading.catch(() => undefined); // consumed by finishLater
    await this.finishLater(req, ctx, reading);
  }

  private async authenticate(req: SignedRequest, bytes: Buffer): Promise<void> {
    const sig = req.signature;
    const key = await keyFor(this.o.trustList, this.o.refreshTrust, req.payload.from, sig.keyId, sig.suite);
    const check = verifySeal(req.payload, sig, key.publicKey, bytes);
    if (!check.ok) throw new TongbanError('E_SIGNATURE', check.reason);
  }

  private checkClock(p: RequestPayload): void {
    const skew = Math.abs(Date.now() - Date.parse(p.createdAt));
    if (!(skew <= this.o.clockWindowMs)) {
      throw new TongbanError('E_CLOCK_SKEW', `createdAt ${p.createdAt} is ${Math.round(skew / 1000)} s from this node's clock (window ±${this.o.clockWindowMs / 1000} s)`);
    }
  }

  private async answerOk(ctx: ResponseContext, req: SignedRequest, record: Awaited<ReturnType<typeof readSource>>, def: { id: string; department: string; sourceSystem: string }): Promise<ProviderAnswer> {
    const p = req.payload;
    const doc = await this.seal(this.servedPayload(ctx, p, record, def));
    await this.o.audit.append(this.auditEvent(p, 'exchange.request.served', 'ok', doc.payload, ctx));
    return { status: 200, doc };
  }

  /**
   * The answer carrying the record, within what every requester accepts (envelope.ts): a value longer
   * than a record value may be is refused as the source's problem (never cut short: a shortened
   * address is a wrong address), quality notes are shortened (they are diagnostics).
   */
  private servedPayload(ctx: ResponseContext, p: RequestPayload, record: Awaited<ReturnType<typeof readSource>>, def: { department: string; sourceSystem: string }): ResponsePayload {
    const values = pick(record.values, p.fields);
    for (const [field, v] of Object.entries(values)) {
      if (typeof v === 'string' && v.length > RECORD_VALUE_MAX) {
        throw new TongbanError('E_SOURCE_UNAVAILABLE', `field ${field} holds ${v.length} characters; an exchange carries at most ${RECORD_VALUE_MAX}`, { fields: [field] });
      }
    }
    return okPayload(ctx, p.resource, values, {
      regionCode: this.o.self,
      department: def.department,
      sourceSystem: def.sourceSystem,
      dataTime: record.dataTime,
      retrievedAt: new Date().toISOString(),
      quality: capFlags(record.quality).map((q) => (q.length > QUALITY_NOTE_MAX ? `${q.slice(0, QUALITY_NOTE_MAX - 1)}…` : q)),
    });
  }

  private async goAsync(req: SignedRequest, ctx: ResponseContext, fetching: ReturnType<typeof readSource>): Promise<ProviderAnswer> {
    const p = req.payload;
    await this.o.conversations.remember(req);
    // runs on after the answer; a failure leaves the conversation open, and a sweep finishes it
    void this.finishLater(req, ctx, fetching);
    const doc = await this.seal(acceptedPayload(ctx, p.messageId));
    await this.o.audit.append(this.auditEvent(p, 'exchange.request.accepted', 'pending', doc.payload, ctx));
    return { status: 202, doc };
  }

  /** Seals the slow source's answer and commits it for delivery with its audit entry; never rejects. */
  private async finishLater(req: SignedRequest, synchronous: ResponseContext, fetching: ReturnType<typeof readSource>): Promise<void> {
    const p = req.payload;
    // a later answer names its conversation: the requester's inbox takes nothing else (a synchronous
    // answer, even a sealed one bound to the request, is no delivery)
    const ctx: ResponseContext = { ...synchronous, conversationId: p.messageId };
    try {
      let doc: SealedResponse;
      try {
        const record = await fetching;
        doc = await this.seal(this.servedPayload(ctx, p, record, this.o.resources.get(p.resource)!.def));
      } catch (e) {
        const err = isTongbanError(e) ? e : new TongbanError('E_SOURCE_UNAVAILABLE');
        doc = await this.seal(errorPayload(ctx, err.code, err.detail, err.fields));
      }
      const outcome = doc.payload.status === 'ok' ? 'ok' : 'refused';
      const action = doc.payload.status === 'ok' ? 'exchange.request.served' : 'exchange.request.refused';
      const ledger = this.o.conversations;
      await this.o.audit.append(this.auditEvent(p, action, outcome, doc.payload, { ...ctx, conversation: true }), (tx) => ledger.answerIn(tx, p.messageId, p.from, doc));
      ledger.answered(p.messageId);
    } catch (e) {
      this.o.conversations.unfinished(p.messageId, e);
    }
  }

  private async answerError(ctx: ResponseContext, req: SignedRequest | undefined, e: unknown, authentic: boolean): Promise<ProviderAnswer> {
    const err = isTongbanError(e) ? e : new TongbanError('E_INTERNAL');
    if (!isTongbanError(e)) this.o.logger.error({ err: { message: maskPersonalData(String((e as Error)?.message)), stack: maskPersonalData(String((e as Error)?.stack)) } }, 'exchange failed');
    const doc = await this.seal(errorPayload(ctx, err.code, err.code === 'E_INTERNAL' ? undefined : err.detail, err.fields));
    this.o.logger.info({ code: err.code, from: req?.payload?.from, messageId: req?.payload?.messageId }, 'exchange refused');
    const event = authentic && req
      ? this.auditEvent(req.payload, 'exchange.request.refused', err.code === 'E_INTERNAL' || err.code === 'E_SOURCE_UNAVAILABLE' ? 'error' : 'refused', doc.payload, ctx)
      : {
          // not authenticated: nothing in it can be believed, so record only what arrived and why it was refused
          category: 'security' as const,
          action: 'exchange.request.rejected',
          actor: { type: 'node' as const, id: typeof req?.payload?.from === 'string' ? `claimed:${req.payload.from}` : 'unknown' },
          outcome: 'refused' as const,
          errorCode: err.code,
          ...(req?.payload?.messageId ? { messageId: req.payload.messageId } : {}),
          ...(ctx.requestHash ? { requestHash: ctx.requestHash } : {}),
          detail: { reason: (err.detail ?? ERRORS[err.code].en).slice(0, 200) },
        };
    await this.o.audit.append(event).catch((x: Error) => this.o.logger.error({ err: x.message }, 'audit append failed'));
    return { status: ERRORS[err.code].status, doc };
  }

  private readonly responseHashes = new WeakMap<ResponsePayload, string>();

  private async seal(payload: ResponsePayload): Promise<SealedResponse> {
    const bytes = canonicalBytes(payload);
    this.responseHashes.set(payload, messageHash(this.o.sealer.suiteName, payload, bytes));
    return { payload, seal: await this.o.sealer.sign(payload, bytes) };
  }

  private auditEvent(p: RequestPayload, action: string, outcome: 'ok' | 'refused' | 'error' | 'pending', response: ResponsePayload, ctx: ResponseContext & { conversation?: boolean }) {
    return {
      category: 'exchange' as const,
      action,
      actor: { type: 'user' as const, id: p.user.id, regionCode: p.from, department: p.user.department },
      outcome,
      ...(response.error ? { errorCode: response.error.code } : {}),
      messageId: p.messageId,
      ...(action === 'exchange.request.accepted' || ctx.conversation ? { conversationId: p.messageId } : {}),
      counterparty: p.from,
      subject: { idNumber: p.subject.id },
      purpose: p.purpose,
      resource: p.resource,
      fields: p.fields,
      ...(ctx.requestHash ? { requestHash: ctx.requestHash } : {}),
      responseHash: this.responseHashes.get(response) ?? messageHash(this.o.sealer.suiteName, response),
      detail: { response: response.messageId, ...(p.authorisation ? { authorisation: `${p.authorisation.type}:${p.authorisation.reference}` } : {}) },
    };
  }
}

/**
 * The active key a member signs with. A known member's unknown key is most likely a key rotated
 * since this node's last member-list refresh: refresh once (rate-limited) and look again.
 */
export async function keyFor(list: () => TrustListPayload | null, refresh: (() => Promise<boolean>) | undefined, region: string, keyId: string, suite: string) {
  const lookup = () => {
    const l = list();
    if (!l) throw new TongbanError('E_TRUST_LIST_EXPIRED', 'this node holds no member list yet');
    return trustIndexOf(l).signingKey(region, keyId, suite);
  };
  try {
    return lookup();
  } catch (e) {
    const unknownKey = isTongbanError(e) && e.code === 'E_NOT_TRUSTED' && isUnknownKey(e.detail);
    if (!unknownKey || !refresh || !(await refresh())) throw e;
    return lookup();
  }
}

/** The error a refused access decision answers with, naming the fields it is about. */
function refusalOf(d: { code: ErrorCode; detail: string; fields?: string[] }): TongbanError {
  return new TongbanError(d.code, d.detail, d.fields ? { fields: d.fields } : undefined);
}

function pick(values: Record<string, string | number | null>, fields: string[]): Record<string, string | number | null> {
  const out: Record<string, string | number | null> = {};
  for (const f of fields) out[f] = values[f] ?? null;
  return out;
}

/** The fetch's result if it settles within the budget; undefined if it is still running. */
async function raceBudget<T>(p: Promise<T>, ms: number): Promise<{ record: T } | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    return await Promise.race([p.then((record) => ({ record })), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
