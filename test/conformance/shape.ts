// Clean-room conformance node, part 4: closed-shape checks for the messages of docs/PROTOCOL.md §2 and §5,
// written from the document's tables alone (Tongban checks its own with TypeBox schemas under src/).
// A rule answers undefined when the value fits, else what is wrong and where.

export type Rule = (v: unknown, at: string) => string | undefined;

/** Lengths of exchange messages count Unicode code points (§1.1). */
const codePoints = (s: string): number => [...s].length;

export const str =
  (min: number, max: number, pattern?: RegExp): Rule =>
  (v, at) => {
    if (typeof v !== 'string') return `${at}: not a string`;
    const n = codePoints(v);
    if (n < min || n > max) return `${at}: ${n} characters, not ${min}–${max}`;
    if (pattern && !pattern.test(v)) return `${at}: does not match ${pattern}`;
    return undefined;
  };

export const literal =
  (...values: unknown[]): Rule =>
  (v, at) =>
    values.includes(v) ? undefined : `${at}: not one of ${values.map((x) => JSON.stringify(x)).join(', ')}`;

export const integer =
  (min: number, max = Number.MAX_SAFE_INTEGER): Rule =>
  (v, at) =>
    typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max ? undefined : `${at}: not an integer in ${min}–${max}`;

export const boolean: Rule = (v, at) => (typeof v === 'boolean' ? undefined : `${at}: not a boolean`);

export const nullable =
  (rule: Rule): Rule =>
  (v, at) =>
    v === null ? undefined : rule(v, at);

export const anyOf =
  (...rules: Rule[]): Rule =>
  (v, at) => {
    const errors = rules.map((r) => r(v, at));
    return errors.some((e) => e === undefined) ? undefined : errors.join(' / ');
  };

export const array =
  (item: Rule, min: number, max: number, distinct = false): Rule =>
  (v, at) => {
    if (!Array.isArray(v)) return `${at}: not an array`;
    if (v.length < min || v.length > max) return `${at}: ${v.length} items, not ${min}–${max}`;
    if (distinct && new Set(v).size !== v.length) return `${at}: an item twice`;
    for (let i = 0; i < v.length; i++) {
      const e = item(v[i], `${at}[${i}]`);
      if (e) return e;
    }
    return undefined;
  };

/** A closed object: the members in `required` must be there, those in `optional` may be, nothing else. */
export const object =
  (required: Record<string, Rule>, optional: Record<string, Rule> = {}): Rule =>
  (v, at) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return `${at}: not an object`;
    const o = v as Record<string, unknown>;
    for (const k of Object.keys(o)) if (!(k in required) && !(k in optional)) return `${at}.${k}: unknown member`;
    for (const [k, rule] of Object.entries(required)) {
      if (!(k in o)) return `${at}.${k}: missing`;
      const e = rule(o[k], `${at}.${k}`);
      if (e) return e;
    }
    for (const [k, rule] of Object.entries(optional)) {
      if (!(k in o)) continue;
      const e = rule(o[k], `${at}.${k}`);
      if (e) return e;
    }
    return undefined;
  };

/** An object whose every member fits `value` (member names fit `name`). */
export const record =
  (name: RegExp, value: Rule): Rule =>
  (v, at) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return `${at}: not an object`;
    for (const [k, x] of Object.entries(v)) {
      if (!name.test(k)) return `${at}.${k}: not a field name`;
      const e = value(x, `${at}.${k}`);
      if (e) return e;
    }
    return undefined;
  };

// ---- the patterns of §5.1 and §5.2 ----
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/;
export const REGION = /^[0-9]{6}$/;
export const FIELD = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
const HEX64 = /^[0-9a-f]{64}$/;

export const time = str(1, 64, TIME);
export const region = str(6, 6, REGION);

/** §5.1's `signature`, and §5.2's `seal`, which is shaped alike */
export const batchSignature = object({
  suite: literal('ed25519', 'sm2-sm3'),
  keyId: str(1, 80, /^(ed25519|sm2-sm3):[0-9a-f]{32}$/),
  value: str(16, 200),
  batch: object({ size: integer(1, 100_000), index: integer(0), root: str(64, 64, HEX64), proof: array(str(64, 64, HEX64), 0, 20) }),
});

export const requestPayload = object(
  {
    type: literal('tongban.exchange.request'),
    formatVersion: literal(1),
    messageId: str(36, 36, UUID),
    createdAt: time,
    from: region,
    to: region,
    user: object({ id: str(1, 128), name: str(1, 64), department: str(1, 128), roles: array(str(1, 32), 0, 16) }),
    purpose: object({ serviceItem: str(1, 200), caseId: str(1, 64) }, { agreementId: str(1, 64) }),
    subject: object({ type: literal('citizen', 'enterprise'), id: str(15, 18, /^[0-9A-Za-z]{15,18}$/) }),
    resource: str(2, 64, /^[a-z][a-z0-9_.-]{1,63}$/),
    fields: array(str(1, 64, FIELD), 1, 64, true),
    reply: object({ mode: literal('sync', 'async') }),
  },
  { authorisation: object({ type: literal('citizen-consent', 'statutory'), reference: str(1, 128) }, { grantedAt: time }) },
);

export const signedRequest = object({ payload: requestPayload, signature: batchSignature });

export const responsePayload = object(
  {
    type: literal('tongban.exchange.response'),
    formatVersion: literal(1),
    messageId: str(36, 36, UUID),
    inReplyTo: nullable(str(36, 36, UUID)),
    requestHash: nullable(str(1, 80, /^(sm3|sha256):[0-9a-f]{64}$/)),
    createdAt: time,
    from: region,
    to: nullable(region),
    status: literal('ok', 'accepted', 'error'),
  },
  {
    resource: str(1, 64),
    record: record(FIELD, anyOf(str(0, 4000), (v, at) => (typeof v === 'number' && Number.isFinite(v) ? undefined : `${at}: not a number`), literal(null))),
    provenance: object({ regionCode: region, department: str(1, 200), sourceSystem: str(1, 200), dataTime: time, retrievedAt: time, quality: array(str(1, 200), 0, 64) }),
    conversationId: str(36, 36, UUID),
    error: object(
      { code: str(3, 64, /^E_[A-Z_]+$/), message: str(1, 500), messageZh: str(1, 500), messageEn: str(1, 500) },
      { detail: str(1, 1000), fields: array(str(1, 64, FIELD), 1, 64, true) },
    ),
  },
);

export const sealedResponse = object({ payload: responsePayload, seal: batchSignature });

/** §1.4: a signed document other than an exchange message */
export const signedDocument = (payload: Rule): Rule =>
  object({ payload, signature: object({ suite: literal('ed25519', 'sm2-sm3'), keyId: str(1, 80), value: str(1, 512) }) });

const keyRef = { keyId: str(1, 80), suite: literal('ed25519', 'sm2-sm3'), publicKey: str(1, 4096) };
const anyString = str(0, 100_000);

/** §2.3, as far as the document's example gives the shape (the payload is not said to be closed). */
export const trustListPayload = object({
  type: literal('tongban.trust-list'),
  formatVersion: literal(1),
  version: integer(1),
  issuedAt: anyString,
  expiresAt: anyString,
  hub: object({ name: anyString, url: anyString, keys: array(object(keyRef), 1, 100) }),
  members: array(
    object({
      regionCode: region,
      name: anyString,
      endpoint: anyString,
      status: literal('active', 'suspended'),
      keys: array(object({ ...keyRef, status: literal('active', 'retired'), addedAt: anyString }, { retiredAt: anyString }), 1, 100),
    }),
    0,
    10_000,
  ),
});

const label = object({ zh: str(1, 200), en: str(1, 300) });

/** §5.5: GET {node}/api/exchange/v1/resources, closed, with the field types §5.5 names */
export const resourceList = object({
  resources: array(
    object({
      id: str(2, 64, /^[a-z][a-z0-9_.-]{1,63}$/),
      name: label,
      department: str(1, 200),
      sourceSystem: str(1, 200),
      subjectType: literal('citizen', 'enterprise'),
      sharing: literal('unconditional', 'conditional', 'none'),
      fields: array(object({ name: str(1, 64, FIELD), label, type: literal('string', 'code', 'date', 'number'), sensitivity: literal('general', 'sensitive') }), 1, 1000),
    }),
    0,
    10_000,
  ),
});
