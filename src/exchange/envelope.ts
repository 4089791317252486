// Exchange protocol v1: the request a requester signs and the response a provider seals. Pure:
// types, JSON Schemas (closed: unknown fields are refused, never dropped), builders and the shape
// check. docs/PROTOCOL.md §5 is the normative text; keep the two in step.

import { uuidv7 } from '../core/uuid7.js';
import AjvModule from 'ajv';
import { Type, type Static, type TSchema } from 'typebox';
import { TongbanError, ERRORS, MAX_ERROR_FIELDS, type ErrorCode } from '../core/errors.js';
import type { SealBlock } from './seal.js';
import { PURPOSE_LIMITS } from '../core/purpose.js';
import { ISO_UTC_PATTERN, parseProtocolTime, TIME_PROBLEM } from '../core/time.js';

export const REQUEST_TYPE = 'tongban.exchange.request';
export const RESPONSE_TYPE = 'tongban.exchange.response';
export const EXCHANGE_FORMAT = 1;
/** Largest exchange message accepted (bytes). */
export const EXCHANGE_BODY_LIMIT = 256 * 1024;

export const RegionCode = Type.String({ pattern: '^[0-9]{6}$' });
export const MessageId = Type.String({ pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' });
export const IsoTime = Type.String({ pattern: ISO_UTC_PATTERN });
const FieldName = Type.String({ pattern: '^[A-Za-z][A-Za-z0-9_]{0,63}$' });
const Text = (max: number) => Type.String({ minLength: 1, maxLength: max });
const Closed = { additionalProperties: false } as const;

export const SealSchema = Type.Object(
  {
    suite: Type.Enum(['ed25519', 'sm2-sm3']),
    keyId: Type.String({ pattern: '^(ed25519|sm2-sm3):[0-9a-f]{32}$' }),
    value: Type.String({ minLength: 16, maxLength: 200 }),
    batch: Type.Object(
      {
        size: Type.Integer({ minimum: 1, maximum: 100_000 }),
        index: Type.Integer({ minimum: 0 }),
        root: Type.String({ pattern: '^[0-9a-f]{64}$' }),
        proof: Type.Array(Type.String({ pattern: '^[0-9a-f]{64}$' }), { maxItems: 20 }),
      },
      Closed,
    ),
  },
  Closed,
);

export const RequestPayloadSchema = Type.Object(
  {
    type: Type.Literal(REQUEST_TYPE),
    formatVersion: Type.Literal(EXCHANGE_FORMAT),
    messageId: MessageId,
    createdAt: IsoTime,
    from: RegionCode,
    to: RegionCode,
    user: Type.Object(
      {
        id: Text(128),
        name: Text(64),
        department: Text(128),
        roles: Type.Array(Text(32), { maxItems: 16 }),
      },
      Closed,
    ),
    purpose: Type.Object(
      {
        serviceItem: Text(PURPOSE_LIMITS.serviceItem),
        caseId: Text(PURPOSE_LIMITS.caseId),
        agreementId: Type.Optional(Text(PURPOSE_LIMITS.agreementId)),
      },
      Closed,
    ),
    subject: Type.Object({ type: Type.Enum(['citizen', 'enterprise']), id: Type.String({ pattern: '^[0-9A-Za-z]{15,18}$' }) }, Closed),
    resource: Type.String({ pattern: '^[a-z][a-z0-9_.-]{1,63}$' }),
    fields: Type.Array(FieldName, { minItems: 1, maxItems: 64, uniqueItems: true }),
    authorisation: Type.Optional(
      Type.Object(
        {
          type: Type.Enum(['citizen-consent', 'statutory']),
          reference: Text(128),
          grantedAt: Type.Optional(IsoTime),
        },
        Closed,
      ),
    ),
    reply: Type.Object({ mode: Type.Enum(['sync', 'async']) }, Closed),
  },
  Closed,
);

export const RequestSchema = Type.Object({ payload: RequestPayloadSchema, signature: SealSchema }, Closed);

/** Longest string value of a record field an answer carries. */
export const RECORD_VALUE_MAX = 4000;
/** Longest quality note of a provenance. */
export const QUALITY_NOTE_MAX = 200;

const ProvenanceSchema = Type.Object(
  {
    regionCode: RegionCode,
    // as long as the catalogue lets a resource's department and source system be
    department: Text(200),
    sourceSystem: Text(200),
    dataTime: IsoTime,
    retrievedAt: IsoTime,
    quality: Type.Array(Text(QUALITY_NOTE_MAX), { maxItems: 64 }),
  },
  Closed,
);

const ErrorInfoSchema = Type.Object(
  {
    code: Type.String({ pattern: '^E_[A-Z_]+$' }),
    message: Text(500),
    messageZh: Text(500),
    messageEn: Text(500),
    detail: Type.Optional(Text(1000)),
    fields: Type.Optional(Type.Array(FieldName, { minItems: 1, maxItems: MAX_ERROR_FIELDS, uniqueItems: true })),
  },
  Closed,
);

export const ResponsePayloadSchema = Type.Object(
  {
    type: Type.Literal(RESPONSE_TYPE),
    formatVersion: Type.Literal(EXCHANGE_FORMAT),
    messageId: MessageId,
    inReplyTo: Type.Union([MessageId, Type.Null()]),
    requestHash: Type.Union([Type.String({ pattern: '^(sm3|sha256):[0-9a-f]{64}$' }), Type.Null()]),
    createdAt: IsoTime,
    from: RegionCode,
    to: Type.Union([RegionCode, Type.Null()]),
    status: Type.Enum(['ok', 'accepted', 'error']),
    resource: Type.Optional(Type.String({ maxLength: 64 })),
    record: Type.Optional(Type.Record(Type.String(), Type.Union([Type.String({ maxLength: RECORD_VALUE_MAX }), Type.Number(), Type.Null()]))),
    provenance: Type.Optional(ProvenanceSchema),
    conversationId: Type.Optional(MessageId),
    error: Type.Optional(ErrorInfoSchema),
  },
  Closed,
);

export const ResponseSchema = Type.Object({ payload: ResponsePayloadSchema, seal: SealSchema }, Closed);

export type RequestPayload = Static<typeof RequestPayloadSchema>;
export type ResponsePayload = Static<typeof ResponsePayloadSchema>;
export type Provenance = Static<typeof ProvenanceSchema>;
export interface SignedRequest {
  payload: RequestPayload;
  signature: SealBlock;
}
export interface SealedResponse {
  payload: ResponsePayload;
  seal: SealBlock;
}

// A validator that never coerces, defaults or strips: what is checked is exactly what was signed.
const Ajv = AjvModule.default ?? AjvModule;
const ajv = new Ajv({ allErrors: false, strict: false, coerceTypes: false, useDefaults: false, removeAdditional: false });

function describe(errors: ReturnType<typeof ajv.compile>['errors']): string {
  const e = errors?.[0];
  if (!e) return 'invalid';
  const where = e.instancePath.replace(/^\//, '').replace(/\//g, '.') || '(message)';
  if (e.keyword === 'additionalProperties') return `${where}: unknown field "${String((e.params as { additionalProperty: string }).additionalProperty)}"`;
  return `${where}: ${e.message ?? e.keyword}`;
}

/** A check against a schema, as exchange documents are checked: the first problem in words (where, what), or undefined. */
export function shapeCheck(schema: TSchema): (doc: unknown) => string | undefined {
  const check = ajv.compile(schema);
  return (doc) => (check(doc) ? undefined : describe(check.errors));
}

const requestProblem = shapeCheck(RequestSchema);
const responseProblem = shapeCheck(ResponseSchema);

export function assertRequestShape(doc: unknown): SignedRequest {
  const problem = requestProblem(doc);
  if (problem !== undefined) throw new TongbanError('E_INVALID_REQUEST', problem);
  const p = (doc as SignedRequest).payload;
  refuseImpossibleTimes('', { 'payload.createdAt': p.createdAt, 'payload.authorisation.grantedAt': p.authorisation?.grantedAt });
  return doc as SignedRequest;
}

export function assertResponseShape(doc: unknown): SealedResponse {
  const problem = responseProblem(doc);
  if (problem !== undefined) throw new TongbanError('E_INVALID_REQUEST', `response ${problem}`);
  const p = (doc as SealedResponse).payload;
  refuseImpossibleTimes('response ', { 'payload.createdAt': p.createdAt, 'payload.provenance.dataTime': p.provenance?.dataTime, 'payload.provenance.retrievedAt': p.provenance?.retrievedAt });
  return doc as SealedResponse;
}

/** The schema checks a time's form; a date that does not exist (2026-02-30) passes it and is refused here. */
function refuseImpossibleTimes(prefix: string, times: Record<string, string | undefined>): void {
  for (const [field, value] of Object.entries(times)) {
    if (value !== undefined && parseProtocolTime(value) === undefined) throw new TongbanError('E_INVALID_REQUEST', `${prefix}${TIME_PROBLEM(field)}`);
  }
}

export interface RequestFields {
  from: string;
  to: string;
  user: RequestPayload['user'];
  purpose: RequestPayload['purpose'];
  subject: RequestPayload['subject'];
  resource: string;
  fields: string[];
  authorisation?: RequestPayload['authorisation'];
  reply?: RequestPayload['reply'];
}

export function buildRequestPayload(f: RequestFields, at = new Date()): RequestPayload {
  return {
    type: REQUEST_TYPE,
    formatVersion: EXCHANGE_FORMAT,
    messageId: uuidv7(),
    createdAt: at.toISOString(),
    from: f.from,
    to: f.to,
    user: f.user,
    purpose: f.purpose,
    subject: f.subject,
    resource: f.resource,
    fields: f.fields,
    ...(f.authorisation ? { authorisation: f.authorisation } : {}),
    reply: f.reply ?? { mode: 'sync' },
  };
}

export interface ResponseContext {
  self: string;
  /** the request being answered, when it could be read */
  request?: Pick<RequestPayload, 'messageId' | 'from'>;
  requestHash: string | null;
  /** set on an answer delivered later (slow source): the conversation it closes (= the request's messageId) */
  conversationId?: string;
}

export function okPayload(ctx: ResponseContext, resource: string, record: Record<string, string | number | null>, provenance: Provenance): ResponsePayload {
  return { ...head(ctx), status: 'ok', resource, record, provenance };
}

export function acceptedPayload(ctx: ResponseContext, conversationId: string): ResponsePayload {
  return { ...head(ctx), status: 'accepted', conversationId };
}

export function errorPayload(ctx: ResponseContext, code: ErrorCode, detail?: string, fields?: readonly string[]): ResponsePayload {
  const spec = ERRORS[code];
  return {
    ...head(ctx),
    status: 'error',
    error: {
      code, message: spec.en, messageZh: spec.zh, messageEn: spec.en,
      ...(detail ? { detail: detail.slice(0, 1000) } : {}),
      ...(fields?.length ? { fields: [...new Set(fields)].slice(0, MAX_ERROR_FIELDS) } : {}),
    },
  };
}

function head(ctx: ResponseContext) {
  return {
    type: RESPONSE_TYPE,
    formatVersion: EXCHANGE_FORMAT,
    messageId: uuidv7(),
    inReplyTo: ctx.request?.messageId ?? null,
    requestHash: ctx.requestHash,
    createdAt: new Date().toISOString(),
    from: ctx.self,
    to: ctx.request?.from ?? null,
    ...(ctx.conversationId ? { conversationId: ctx.conversationId } : {}),
  } as const;
}
