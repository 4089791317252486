// A "foreign" Tongban node, written by another team from docs/PROTOCOL.md alone: it joins the hub (§2.1),
// verifies the signed member list (§2.3), sends signed exchange requests and verifies sealed responses
// (§5.1–§5.3), and serves §5.1/§5.5 itself as a provider. It uses node:crypto, node:http and fetch and
// nothing from src/: the protocol code under src/ (canonical JSON, suites, batches, envelopes, checks) is
// implemented here a second time on purpose — that duplication is the point of a conformance test.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomBytes, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { canonicalBytes } from './canonical.js';
import { leafOf, signBatch, verifyBatchSignature, type BatchSignature } from './merkle.js';
import { decodeStrictBase64, digest, generateSigningKey, hashName, keyIdOf, verifySignature, type SigningKey, type Suite } from './suites.js';
import { object, sealedResponse, signedDocument, signedRequest, trustListPayload, type Rule } from './shape.js';

// ---- documents ----
export interface KeyRef {
  keyId: string;
  suite: Suite;
  publicKey: string;
}
export interface MemberKey extends KeyRef {
  status: 'active' | 'retired';
  addedAt: string;
  retiredAt?: string;
}
export interface Member {
  regionCode: string;
  name: string;
  endpoint: string;
  status: 'active' | 'suspended';
  keys: MemberKey[];
}
export interface TrustList {
  type: 'tongban.trust-list';
  formatVersion: 1;
  version: number;
  issuedAt: string;
  expiresAt: string;
  hub: { name: string; url: string; keys: KeyRef[] };
  members: Member[];
}
export interface RequestPayload {
  type: 'tongban.exchange.request';
  formatVersion: 1;
  messageId: string;
  createdAt: string;
  from: string;
  to: string;
  user: { id: string; name: string; department: string; roles: string[] };
  purpose: { serviceItem: string; caseId: string; agreementId?: string };
  subject: { type: 'citizen' | 'enterprise'; id: string };
  resource: string;
  fields: string[];
  authorisation?: { type: 'citizen-consent' | 'statutory'; reference: string; grantedAt?: string };
  reply: { mode: 'sync' | 'async' };
}
export type FieldValue = string | number | null;
export interface ResponsePayload {
  type: 'tongban.exchange.response';
  formatVersion: 1;
  messageId: string;
  inReplyTo: string | null;
  requestHash: string | null;
  createdAt: string;
  from: string;
  to: string | null;
  status: 'ok' | 'accepted' | 'error';
  resource?: string;
  record?: Record<string, FieldValue>;
  provenance?: { regionCode: string; department: string; sourceSystem: string; dataTime: string; retrievedAt: string; quality: string[] };
  conversationId?: string;
  error?: { code: string; message: string; messageZh: string; messageEn: string; detail?: string; fields?: string[] };
}
export interface SignedRequest {
  payload: RequestPayload;
  signature: BatchSignature;
}
export interface SealedResponse {
  payload: ResponsePayload;
  seal: BatchSignature;
}

// ---- §4 vocabulary, as much of it as this node answers with: code, HTTP status, 中文, English ----
const VOCABULARY: Record<string, [number, string, string]> = Object.fromEntries(
  `E_INVALID_REQUEST 400 请求格式或内容无效 The request is malformed or invalid
E_PAYLOAD_TOO_LARGE 413 请求体过大 The request body is too large
E_NOT_FOUND 404 资源不存在 Not found
E_SIGNATURE 401 签名验证失败 The signature does not verify
E_NOT_TRUSTED 403 签名者不在可信列表中 The signer is not on the trust list
E_TRUST_LIST_EXPIRED 503 可信成员清单已过期 The trust list has expired
E_CLOCK_SKEW 401 请求时间超出允许范围 The request time is outside the accepted window
E_REPLAY 409 重复的消息标识 The message id has already been used
E_NO_AGREEMENT 403 无有效的共享协议或授权规则 No agreement or access rule permits this request
E_FIELD_NOT_ALLOWED 403 请求的字段超出允许范围 A requested field is not permitted
E_NEEDS_AUTHORISATION 403 需要申请人(数据主体)授权 The data subject's authorisation is required
E_SUBJECT_NOT_FOUND 404 未找到该数据主体的记录 No record of this subject
E_HUB_UNAVAILABLE 503 国家枢纽暂时不可达 The hub is unreachable`
    .split('\n')
    .map((line) => {
      const [code, status, zh, ...en] = line.split(' ');
      return [code!, [Number(status), zh!, en.join(' ')]];
    }),
);

/** §4's body of every error that is not a sealed exchange answer */
export const isPlainError: Rule = object({
  error: (v, at) => {
    if (typeof v !== 'object' || v === null) return `${at}: not an object`;
    const e = v as Record<string, unknown>;
    for (const k of ['code', 'message', 'messageZh', 'messageEn']) if (typeof e[k] !== 'string') return `${at}.${k}: not a string`;
    return /^E_[A-Z_]+$/.test(e.code as string) ? undefined : `${at}.code: not a code`;
  },
});

export interface HttpResult {
  status: number;
  contentType: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a test reads whatever JSON came back
  body: any;
  text: string;
}

async function http(url: string, init: { method?: string; body?: string; headers?: Record<string, string> } = {}): Promise<HttpResult> {
  const res = await fetch(url, { method: init.method ?? (init.body === undefined ? 'GET' : 'POST'), headers: init.headers ?? {}, ...(init.body === undefined ? {} : { body: init.body }) });
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', body, text };
}

const postJson = (url: string, body: string, headers: Record<string, string> = {}) => http(url, { body, headers: { 'content-type': 'application/json', ...headers } });

/** §1.4: sign JCS(payload) with the key; the document's signature has no batch. */
export function signDocument<P>(key: SigningKey, payload: P): { payload: P; signature: { suite: Suite; keyId: string; value: string } } {
  return { payload, signature: { suite: key.suite, keyId: key.keyId, value: key.sign(canonicalBytes(payload)).toString('base64') } };
}

/** `<alg>:<hex>` of JCS(request payload) with the provider's suite hash (§5.2) */
export const requestHashOf = (suite: Suite, payload: unknown): string => `${hashName(suite)}:${digest(suite, canonicalBytes(payload)).toString('hex')}`;

/** a GB 11643 citizen ID number with its ISO 7064 MOD 11-2 check character */
export function citizenId(first17: string): string {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((s, c, i) => s + Number(c) * weights[i]!, 0);
  return first17 + '10X98765432'[sum % 11]!;
}

export interface ResourceDefinition {
  id: string;
  name: { zh: string; en: string };
  department: string;
  sourceSystem: string;
  subjectType: 'citizen' | 'enterprise';
  sharing: 'unconditional' | 'conditional' | 'none';
  fields: Array<{ name: string; label: { zh: string; en: string }; type: string; sensitivity: 'general' | 'sensitive' }>;
  /** subject id → record (not on the wire) */
  records: Map<string, Record<string, FieldValue>>;
  dataTime: string;
  /** answer 202 and deliver later (§5.4), as a source slower than the budget would */
  slow?: boolean;
}

export interface ForeignNodeOptions {
  regionCode: string;
  name: string;
  suite: Suite;
  hubUrl: string;
  /** the hub key id, obtained out of band (§2.3: pinned) */
  hubKeyId: string;
  resources?: ResourceDefinition[];
  /** regions allowed to read every resource (a deny-by-default rule, §5.7 step 7) */
  allowFrom?: string[];
  clockWindowSeconds?: number;
}

/** What the provider side saw of one incoming request. */
export interface Served {
  status: number;
  request: unknown;
  response: SealedResponse | undefined;
  verifiedSender?: string;
}

export class ForeignNode {
  key: SigningKey;
  endpoint = '';
  memberList: TrustList | undefined;
  /** the member list exactly as received (§2.3: stored verbatim) */
  memberListText = '';
  /** provider side: messages served, newest last */
  readonly served: Served[] = [];
  /** how many leaves of other messages the next seals share their batch with (§5.3) */
  sealBatchPadding = 0;
  private readonly claimed = new Set<string>();
  /** provider: accepted conversations awaiting their answer */
  private readonly conversations = new Map<string, RequestPayload>();
  /** requester: requests sent, by messageId; deliveries by response messageId; final answers by request */
  private readonly sent = new Map<string, SignedRequest>();
  private readonly inbox = new Map<string, SealedResponse>();
  readonly answers = new Map<string, SealedResponse>();
  private readonly waiters: Array<(r: SealedResponse) => void> = [];
  private server: Server | undefined;
  /** provider: times the member list was fetched again for a known member's unknown key id (§2.4's SHOULD) */
  memberListRefetches = 0;
  private lastRefetch = 0;

  constructor(readonly o: ForeignNodeOptions) {
    this.key = generateSigningKey(o.suite);
  }

  get regionCode(): string {
    return this.o.regionCode;
  }

  async listen(): Promise<void> {
    const server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    this.endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  // ---------------- §2.1 membership ----------------

  joinPayload(over: Record<string, unknown> = {}) {
    return {
      type: 'tongban.join-request',
      formatVersion: 1,
      regionCode: this.o.regionCode,
      name: this.o.name,
      endpoint: this.endpoint,
      key: { keyId: this.key.keyId, suite: this.key.suite, publicKey: this.key.publicKeyPem },
      requestedAt: new Date().toISOString(),
      nonce: randomBytes(16).toString('hex'),
      ...over,
    };
  }

  /** sends a join request (or, once joined, asks its status: §2.1's last paragraph) */
  join(over: Record<string, unknown> = {}, key: SigningKey = this.key): Promise<HttpResult> {
    return postJson(`${this.o.hubUrl}/api/hub/members/join`, JSON.stringify(signDocument(key, this.joinPayload(over))));
  }

  /**
   * §2.4: the old key signs (authority), the new key proves possession; on 200 the node signs with the new
   * key. `o` may change the payload, the new key, or who signs and proves (to see the hub's refusals).
   */
  async rotate(o: { payload?: Record<string, unknown>; next?: SigningKey; signer?: SigningKey; prover?: SigningKey } = {}): Promise<HttpResult> {
    const next = o.next ?? generateSigningKey(this.key.suite);
    const payload = {
      type: 'tongban.key-rotation',
      formatVersion: 1,
      regionCode: this.o.regionCode,
      oldKeyId: this.key.keyId,
      newKey: { keyId: next.keyId, suite: next.suite, publicKey: next.publicKeyPem },
      requestedAt: new Date().toISOString(),
      nonce: randomBytes(16).toString('hex'),
      ...o.payload,
    };
    const doc = { ...signDocument(o.signer ?? this.key, payload), proof: signDocument(o.prover ?? next, payload).signature };
    const res = await postJson(`${this.o.hubUrl}/api/hub/keys/rotate`, JSON.stringify(doc));
    if (res.status === 200) this.key = next;
    return res;
  }

  // ---------------- §2.3 the member list ----------------

  /** fetches the member list and accepts it only as §2.3 says; throws with the reason otherwise */
  async fetchMemberList(): Promise<TrustList> {
    const res = await http(`${this.o.hubUrl}/api/hub/trust-list`);
    if (res.status !== 200) throw new Error(`trust list: HTTP ${res.status} ${res.text}`);
    const list = this.acceptMemberList(res.text);
    this.memberList = list;
    this.memberListText = res.text;
    return list;
  }

  acceptMemberList(text: string): TrustList {
    const doc = JSON.parse(text) as { payload: TrustList; signature: { suite: Suite; keyId: string; value: string } };
    const shape = signedDocument(trustListPayload)(doc, 'trustList');
    if (shape) throw new Error(`trust list shape: ${shape}`);
    const p = doc.payload;
    const hubKey = p.hub.keys.find((k) => k.keyId === this.o.hubKeyId);
    if (!hubKey) throw new Error('trust list: the pinned hub key is not in hub.keys');
    if (keyIdOf(hubKey.suite, hubKey.publicKey) !== hubKey.keyId) throw new Error("trust list: the hub key's id does not match its public key");
    if (doc.signature.keyId !== hubKey.keyId || doc.signature.suite !== hubKey.suite) throw new Error('trust list: not signed by the pinned key');
    const value = decodeStrictBase64(doc.signature.value);
    if (!value || !verifySignature(hubKey.suite, hubKey.publicKey, canonicalBytes(p), value)) throw new Error('trust list: the signature does not verify');
    if (this.memberList && p.version < this.memberList.version) throw new Error('trust list: rollback');
    if (!(Date.parse(p.expiresAt) > Date.now())) throw new Error('trust list: expired');
    // not demanded by §2.3, but every key on the list must be what its id says
    for (const m of p.members) for (const k of m.keys) if (keyIdOf(k.suite, k.publicKey) !== k.keyId) throw new Error(`trust list: ${m.regionCode}'s key ${k.keyId} does not match its id`);
    return p;
  }

  member(code: string): Member | undefined {
    return this.memberList?.members.find((m) => m.regionCode === code);
  }

  /** the key a message from `code` signed with `keyId` must be checked against: active key of an active member */
  activeKey(code: string, keyId: string): MemberKey | undefined {
    const m = this.member(code);
    if (!m || m.status !== 'active') return undefined;
    return m.keys.find((k) => k.keyId === keyId && k.status === 'active');
  }

  // ---------------- requester (§5.1–§5.3) ----------------

  newRequest(to: string, o: Partial<RequestPayload> & Pick<RequestPayload, 'resource' | 'fields' | 'subject'>): RequestPayload {
    return {
      type: 'tongban.exchange.request',
      formatVersion: 1,
      messageId: randomUUID(), // version 4: "receivers accept any version" (§5.1)
      createdAt: new Date().toISOString(),
      from: this.o.regionCode,
      to,
      user: { id: 'js-clerk', name: '李明', department: '江苏省南京市政务服务中心', roles: ['clerk'] },
      purpose: { serviceItem: '户口迁移(夫妻投靠)', caseId: 'JS-2026-000001' },
      reply: { mode: 'sync' },
      ...o,
    };
  }

  /** signs the payloads in one turn (§5.3): one signature, a batch member each */
  sign(payloads: RequestPayload[], extraLeaves: Buffer[] = []): SignedRequest[] {
    return signBatch(this.key, payloads, extraLeaves).map((signature, i) => ({ payload: payloads[i]!, signature }));
  }

  /** posts a body (an object is sent as JSON text) to a member's exchange endpoint, from the member list */
  send(to: string, body: unknown, headers: Record<string, string> = {}): Promise<HttpResult> {
    const m = this.member(to);
    if (!m) throw new Error(`${to} is not on the member list`);
    const sent = body as Partial<SignedRequest>;
    if (typeof sent === 'object' && typeof sent?.payload?.messageId === 'string') this.sent.set(sent.payload.messageId, sent as SignedRequest);
    return postJson(`${m.endpoint}/api/exchange/v1/requests`, typeof body === 'string' ? body : JSON.stringify(body), headers);
  }

  /** shape of §5.2 and the seal (batch proof and signature) against `provider`'s active key on the member list */
  checkSeal(provider: string, body: unknown): string[] {
    const shape = sealedResponse(body, 'response');
    if (shape) return [shape];
    const { payload, seal } = body as SealedResponse;
    const key = this.activeKey(provider, seal.keyId);
    if (!key) return [`seal key ${seal.keyId} is not an active key of ${provider}`];
    if (key.suite !== seal.suite) return ['seal suite is not the key’s'];
    const v = verifyBatchSignature(payload, seal, key.publicKey);
    const problems = v.ok ? [] : [`seal: ${v.why}`];
    if (payload.from !== provider) problems.push(`from is ${payload.from}, not ${provider}`);
    return problems;
  }

  /**
   * The requester's checks of §5.2 on a sealed answer: shape, seal with the provider's active key from the
   * member list, inReplyTo, requestHash, from/to. Returns the reasons it fails (none: the record may be shown).
   */
  checkResponse(sent: SignedRequest, body: unknown): string[] {
    const problems = this.checkSeal(sent.payload.to, body);
    if (problems.length) return problems;
    const { payload, seal } = body as SealedResponse;
    const expected = requestHashOf(seal.suite, sent.payload);
    if (payload.requestHash !== expected) problems.push(`requestHash ${payload.requestHash} is not ${expected}`);
    if (payload.inReplyTo !== sent.payload.messageId) problems.push('inReplyTo is not the request’s messageId');
    if (payload.to !== sent.payload.from) problems.push('to is not the requester');
    return problems;
  }

  // ---------------- requester's inbox (§5.4) ----------------

  /** the checks of §5.4 on a delivery, in their order; applies it once */
  private receive(body: unknown): { status: number; body: unknown } {
    const refuse = (code: string, detail: string) => ({ status: VOCABULARY[code]![0], body: { error: errorObject(code, detail) } });
    const shape = sealedResponse(body, 'delivery');
    if (shape) return refuse('E_INVALID_REQUEST', shape);
    const { payload, seal } = body as SealedResponse;
    if (payload.to !== this.o.regionCode) return refuse('E_INVALID_REQUEST', `addressed to ${payload.to}`);
    if (!this.memberList) return refuse('E_TRUST_LIST_EXPIRED', 'no member list');
    const sender = this.member(payload.from);
    const known = sender?.keys.find((k) => k.keyId === seal.keyId);
    if (!sender || !known) return refuse('E_HUB_UNAVAILABLE', `${seal.keyId} is not on the member list`);
    const key = this.activeKey(payload.from, seal.keyId);
    if (!key || key.suite !== seal.suite) return refuse('E_NOT_TRUSTED', `${seal.keyId} is retired or its member inactive`);
    const v = verifyBatchSignature(payload, seal, key.publicKey);
    if (!v.ok) return refuse('E_SIGNATURE', v.why);
    if (payload.inReplyTo === null || payload.conversationId !== payload.inReplyTo || payload.status === 'accepted') return refuse('E_INVALID_REQUEST', 'not a delivery');
    const request = this.sent.get(payload.inReplyTo);
    if (!request || request.payload.to !== payload.from) return refuse('E_NOT_FOUND', `no request ${payload.inReplyTo} to ${payload.from}`);
    if (payload.requestHash !== requestHashOf(seal.suite, request.payload)) return refuse('E_SIGNATURE', 'requestHash');
    if (this.inbox.has(payload.messageId)) return { status: 200, body: { received: true, duplicate: true } };
    this.inbox.set(payload.messageId, body as SealedResponse);
    if (!this.answers.has(payload.inReplyTo)) {
      this.answers.set(payload.inReplyTo, body as SealedResponse);
      for (const w of this.waiters.splice(0)) w(body as SealedResponse);
    }
    return { status: 200, body: { received: true, duplicate: false } };
  }

  /** the next delivery applied to the inbox */
  nextDelivery(): Promise<SealedResponse> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  // ---------------- provider (§5.1, §5.4, §5.5, §5.7) ----------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = (req.url ?? '').split('?')[0];
    if (req.method === 'GET' && url === '/healthz') return json(res, 200, { status: 'ok' });
    if (req.method === 'GET' && url === '/api/exchange/v1/resources') {
      return json(res, 200, { resources: (this.o.resources ?? []).map(({ records: _r, dataTime: _d, slow: _s, ...r }) => r) });
    }
    const inbox = url === '/api/exchange/v1/inbox';
    if (req.method !== 'POST' || (url !== '/api/exchange/v1/requests' && !inbox)) return json(res, 404, plainError('E_NOT_FOUND', req));
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const c of req) {
      size += (c as Buffer).length;
      if (size > 256 * 1024) return json(res, 413, plainError('E_PAYLOAD_TOO_LARGE', req));
      chunks.push(c as Buffer);
    }
    if (!/^application\/json\b/.test(req.headers['content-type'] ?? '')) return json(res, 400, plainError('E_INVALID_REQUEST', req, 'not application/json'));
    let body: unknown;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      canonicalBytes(body);
    } catch {
      return json(res, 400, plainError('E_INVALID_REQUEST', req, 'not JSON'));
    }
    if (inbox) {
      const r = this.receive(body);
      return json(res, r.status, r.body);
    }
    await this.refetchForUnknownKey(body);
    const served: Served = { status: 0, request: body, response: undefined };
    const answer = this.serve(body, served);
    served.response = answer;
    served.status = statusOf(answer.payload);
    this.served.push(served);
    json(res, served.status, answer);
  }

  /**
   * §2.4: a message from a known member under a key id this node does not know makes it fetch the member
   * list once, at most every 5 s, before §5.7 decides: the sender may have rotated since the last refresh.
   */
  private async refetchForUnknownKey(body: unknown): Promise<void> {
    const b = body as { payload?: { from?: unknown }; signature?: { keyId?: unknown } } | null;
    const from = b?.payload?.from;
    const keyId = b?.signature?.keyId;
    const member = typeof from === 'string' ? this.member(from) : undefined;
    if (!member || typeof keyId !== 'string' || member.keys.some((k) => k.keyId === keyId)) return;
    if (Date.now() - this.lastRefetch < 5000) return;
    this.lastRefetch = Date.now();
    this.memberListRefetches++;
    await this.fetchMemberList().catch(() => undefined); // a list that does not verify changes nothing: §5.7 refuses
  }

  /** §5.7, steps 1–10 */
  private serve(body: unknown, served: Served): SealedResponse {
    const fail = (code: string, detail: string, read?: RequestPayload, fields?: string[]) => this.seal(read, refusal(code, detail, fields));
    // 1. shape
    const shape = signedRequest(body, 'body');
    if (shape) return fail('E_INVALID_REQUEST', shape);
    const { payload, signature } = body as SignedRequest;
    // 2. addressee
    if (payload.to !== this.o.regionCode) return fail('E_INVALID_REQUEST', `addressed to ${payload.to}`, payload);
    // 3. member list, sender, key
    if (!this.memberList || !(Date.parse(this.memberList.expiresAt) > Date.now())) return fail('E_TRUST_LIST_EXPIRED', 'no current member list', payload);
    const key = this.activeKey(payload.from, signature.keyId);
    if (!key || key.suite !== signature.suite) return fail('E_NOT_TRUSTED', `${signature.keyId} is not an active key of an active member ${payload.from}`, payload);
    // 4. signature
    const v = verifyBatchSignature(payload, signature, key.publicKey);
    if (!v.ok) return fail('E_SIGNATURE', v.why, payload);
    served.verifiedSender = payload.from;
    // 5. clock
    const window = (this.o.clockWindowSeconds ?? 300) * 1000;
    if (Math.abs(Date.parse(payload.createdAt) - Date.now()) > window) return fail('E_CLOCK_SKEW', 'createdAt outside the window', payload);
    // 6. replay: the id is claimed here
    if (this.claimed.has(payload.messageId)) return fail('E_REPLAY', payload.messageId, payload);
    this.claimed.add(payload.messageId);
    // 7. policy
    const resource = this.o.resources?.find((r) => r.id === payload.resource);
    if (!resource) return fail('E_INVALID_REQUEST', `unknown resource ${payload.resource}`, payload);
    const unknown = payload.fields.filter((f) => !resource.fields.some((x) => x.name === f));
    if (unknown.length) return fail('E_INVALID_REQUEST', `unknown fields ${unknown.join(', ')}`, payload, unknown);
    if (payload.subject.type !== resource.subjectType) return fail('E_INVALID_REQUEST', `${resource.id} holds ${resource.subjectType} records`, payload);
    if (resource.sharing === 'none' || !(this.o.allowFrom ?? []).includes(payload.from)) return fail('E_NO_AGREEMENT', `no rule for ${payload.from}`, payload);
    const sensitive = payload.fields.filter((f) => resource.fields.find((x) => x.name === f)?.sensitivity === 'sensitive');
    if (sensitive.length && !payload.authorisation) return fail('E_NEEDS_AUTHORISATION', 'sensitive fields', payload, sensitive);
    // §5.4: a slow source, or a request for async delivery, is accepted now and answered later
    if (resource.slow || payload.reply.mode === 'async') {
      this.conversations.set(payload.messageId, payload);
      return this.seal(payload, { status: 'accepted', conversationId: payload.messageId });
    }
    return this.seal(payload, this.read(payload, resource));
  }

  /** §5.7 steps 8–9: the source, minimised to the requested fields */
  private read(payload: RequestPayload, resource: ResourceDefinition): Partial<ResponsePayload> {
    const row = resource.records.get(payload.subject.id.toUpperCase());
    if (!row) return refusal('E_SUBJECT_NOT_FOUND', 'no record');
    return {
      status: 'ok',
      resource: resource.id,
      record: Object.fromEntries(payload.fields.map((f) => [f, row[f] ?? null])),
      provenance: { regionCode: this.o.regionCode, department: resource.department, sourceSystem: resource.sourceSystem, dataTime: resource.dataTime, retrievedAt: new Date().toISOString(), quality: [] },
    };
  }

  /** conversations accepted (202) and not yet answered, oldest first */
  get openConversations(): string[] {
    return [...this.conversations.keys()];
  }

  /**
   * §5.4: seals the final answer of an accepted conversation and posts it to the requester's inbox.
   * `alter` may change the answer before it is sent (to see the inbox's checks); the conversation stays
   * open until a delivery is acknowledged with 2xx.
   */
  async deliver(messageId: string, alter?: (answer: SealedResponse) => unknown): Promise<HttpResult & { sent: unknown }> {
    const request = this.conversations.get(messageId);
    if (!request) throw new Error(`no open conversation ${messageId}`);
    const resource = this.o.resources!.find((r) => r.id === request.resource)!;
    const answer = this.seal(request, { ...this.read(request, resource), conversationId: messageId });
    const sent = alter ? alter(answer) : answer;
    const res = await postJson(`${this.member(request.from)!.endpoint}/api/exchange/v1/inbox`, JSON.stringify(sent));
    if (res.status >= 200 && res.status < 300) this.conversations.delete(messageId);
    return { ...res, sent };
  }

  /** seals a response payload for `request` (built with the rest given) */
  sealFor(request: RequestPayload | undefined, rest: Partial<ResponsePayload>): SealedResponse {
    return this.seal(request, rest);
  }

  private seal(request: RequestPayload | undefined, rest: Partial<ResponsePayload>): SealedResponse {
    const payload: ResponsePayload = {
      type: 'tongban.exchange.response',
      formatVersion: 1,
      messageId: randomUUID(),
      inReplyTo: request?.messageId ?? null,
      requestHash: request ? requestHashOf(this.key.suite, request) : null,
      createdAt: new Date().toISOString(),
      from: this.o.regionCode,
      to: request?.from ?? null,
      status: 'ok',
      ...rest,
    };
    const padding = Array.from({ length: this.sealBatchPadding }, () => leafOf(this.key.suite, { other: randomUUID() }));
    return { payload, seal: signBatch(this.key, [payload], padding)[0]! };
  }
}

function refusal(code: string, detail: string, fields?: string[]): Partial<ResponsePayload> {
  return { status: 'error', error: errorObject(code, detail, fields) };
}

const statusOf = (p: ResponsePayload): number => (p.status === 'ok' ? 200 : p.status === 'accepted' ? 202 : VOCABULARY[p.error!.code]![0]);

function errorObject(code: string, detail: string, fields?: string[]): NonNullable<ResponsePayload['error']> {
  const [, zh, en] = VOCABULARY[code]!;
  return { code, message: en, messageZh: zh, messageEn: en, detail: detail.slice(0, 1000), ...(fields?.length ? { fields } : {}) };
}

function plainError(code: string, req: IncomingMessage, detail?: string) {
  const [, zh, en] = VOCABULARY[code]!;
  const english = /^en/i.test(req.headers['accept-language'] ?? '');
  return { error: { code, message: english ? en : zh, messageZh: zh, messageEn: en, ...(detail ? { detail } : {}) } };
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

