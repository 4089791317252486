// The stable error vocabulary. Every error a client or operator sees carries one of these codes,
// an HTTP status, and a message in Chinese and English. Codes never change meaning once shipped;
// docs/PROTOCOL.md lists them for other implementers.

export interface ErrorSpec {
  status: number;
  zh: string;
  en: string;
}

export const ERRORS = {
  E_INVALID_REQUEST: { status: 400, zh: '请求格式或内容无效', en: 'The request is malformed or invalid' },
  E_INVALID_CONFIG: { status: 400, zh: '配置无效', en: 'The configuration is invalid' },
  E_PAYLOAD_TOO_LARGE: { status: 413, zh: '请求体过大', en: 'The request body is too large' },
  E_UNAUTHENTICATED: { status: 401, zh: '未认证或凭据无效', en: 'Authentication is missing or invalid' },
  E_FORBIDDEN: { status: 403, zh: '无权执行此操作', en: 'Not permitted' },
  E_RATE_LIMITED: { status: 429, zh: '尝试次数过多,请稍后再试', en: 'Too many attempts; try again later' },
  E_NOT_FOUND: { status: 404, zh: '资源不存在', en: 'Not found' },
  E_SIGNATURE: { status: 401, zh: '签名验证失败', en: 'The signature does not verify' },
  E_NOT_TRUSTED: { status: 403, zh: '签名者不在可信列表中', en: 'The signer is not on the trust list' },
  E_TRUST_LIST_EXPIRED: { status: 503, zh: '可信成员清单已过期', en: 'The trust list has expired' },
  E_REGION_TAKEN: { status: 409, zh: '该区划代码已被其他节点占用', en: 'The region code is already held by another node' },
  E_MEMBERSHIP_PENDING: { status: 409, zh: '入网申请待审批', en: 'The membership request is awaiting approval' },
  E_MEMBERSHIP_REJECTED: { status: 403, zh: '入网申请已被拒绝', en: 'The membership request was rejected' },
  E_CONFLICT: { status: 409, zh: '状态冲突,操作无法执行', en: 'The operation conflicts with the current state' },
  E_CLOCK_SKEW: { status: 401, zh: '请求时间超出允许范围', en: 'The request time is outside the accepted window' },
  E_REPLAY: { status: 409, zh: '重复的消息标识', en: 'The message id has already been used' },
  E_HUB_UNAVAILABLE: { status: 503, zh: '国家枢纽暂时不可达', en: 'The hub is unreachable' },
  E_DATABASE_UNAVAILABLE: { status: 503, zh: '数据库不可达', en: 'The database is unreachable' },
  E_PORT_IN_USE: { status: 500, zh: '端口已被占用', en: 'The port is already in use' },
  E_DATA_MISMATCH: { status: 409, zh: '数据目录与请求的参数不一致', en: 'The data directory does not match the requested parameters' },
  E_NO_AGREEMENT: { status: 403, zh: '无有效的共享协议或授权规则', en: 'No agreement or access rule permits this request' },
  E_FIELD_NOT_ALLOWED: { status: 403, zh: '请求的字段超出允许范围', en: 'A requested field is not permitted' },
  E_NEEDS_AUTHORISATION: { status: 403, zh: '需要申请人(数据主体)授权', en: "The data subject's authorisation is required" },
  E_SUBJECT_NOT_FOUND: { status: 404, zh: '未找到该数据主体的记录', en: 'No record of this subject' },
  E_AMBIGUOUS_SUBJECT: { status: 409, zh: '数据主体匹配到多条记录', en: 'The subject matches more than one record' },
  E_SOURCE_UNAVAILABLE: { status: 503, zh: '数据源暂时不可用', en: 'The data source is unavailable' },
  E_TIMEOUT: { status: 504, zh: '请求超时', en: 'The request timed out' },
  E_PEER_UNAVAILABLE: { status: 502, zh: '对方节点不可达', en: 'The other node is unreachable' },
  E_INTERNAL: { status: 500, zh: '内部错误', en: 'Internal error' },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERRORS;

/**
 * One of several problems found in a request (a catalogue entry, an import file): where it is —
 * a field path, or a line and column of a file — and what is wrong, in both languages.
 */
export interface ErrorProblem {
  path?: string;
  line?: number;
  column?: string;
  message: string;
  messageZh: string;
}

/** at most this many problems travel in an error body (the detail text still names them all) */
export const MAX_ERROR_PROBLEMS = 200;

/** at most this many field names travel with an error: a request names at most 64 fields */
export const MAX_ERROR_FIELDS = 64;

export interface ErrorBody {
  error: {
    code: ErrorCode;
    message: string;
    messageZh: string;
    messageEn: string;
    detail?: string;
    fields?: string[];
    problems?: ErrorProblem[];
  };
}

/** An error from the vocabulary. `detail` is for the operator: what exactly was wrong, never personal data. */
export class TongbanError extends Error {
  readonly code: ErrorCode;
  readonly detail: string | undefined;
  /** each problem by place, when a request had several (validation); clients show them beside the fields */
  readonly problems: readonly ErrorProblem[] | undefined;
  /** the names of the requested data fields the error is about (not granted, need authorisation, do
   *  not exist): what a client shows by each field's own label, in the clerk's language */
  readonly fields: readonly string[] | undefined;
  /** E_RATE_LIMITED: when to try again, sent as the Retry-After header (seconds; PROTOCOL.md §4) */
  readonly retryAfterSeconds: number | undefined;

  constructor(code: ErrorCode, detail?: string, options?: { cause?: unknown; problems?: readonly ErrorProblem[]; fields?: readonly string[]; retryAfterSeconds?: number }) {
    super(detail ? `${code}: ${detail}` : `${code}: ${ERRORS[code].en}`, options?.cause !== undefined ? { cause: options.cause } : undefined);
    this.name = 'TongbanError';
    this.code = code;
    this.detail = detail;
    this.problems = options?.problems?.length ? options.problems : undefined;
    this.fields = options?.fields?.length ? options.fields.slice(0, MAX_ERROR_FIELDS) : undefined;
    this.retryAfterSeconds = options?.retryAfterSeconds === undefined ? undefined : Math.max(1, Math.ceil(options.retryAfterSeconds));
  }

  get status(): number {
    return ERRORS[this.code].status;
  }

  toBody(lang: 'zh-CN' | 'en' = 'zh-CN'): ErrorBody {
    const spec = ERRORS[this.code];
    return {
      error: {
        code: this.code,
        message: lang === 'en' ? spec.en : spec.zh,
        messageZh: spec.zh,
        messageEn: spec.en,
        ...(this.detail ? { detail: this.detail } : {}),
        ...(this.fields ? { fields: [...this.fields] } : {}),
        ...(this.problems
          ? {
              problems: this.problems.slice(0, MAX_ERROR_PROBLEMS).map((p) => ({
                ...(p.path !== undefined ? { path: p.path } : {}),
                ...(p.line !== undefined ? { line: p.line } : {}),
                ...(p.column !== undefined ? { column: p.column } : {}),
                message: p.message,
                messageZh: p.messageZh,
              })),
            }
          : {}),
      },
    };
  }
}

export function isTongbanError(e: unknown): e is TongbanError {
  return e instanceof TongbanError;
}

/** The JSON Schema every route declares for its error responses, so the OpenAPI document shows it. */
export const errorBodySchema = {
  $id: 'ErrorBody',
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message', 'messageZh', 'messageEn'],
      properties: {
        code: { type: 'string', enum: Object.keys(ERRORS) },
        message: { type: 'string' },
        messageZh: { type: 'string' },
        messageEn: { type: 'string' },
        detail: { type: 'string' },
        fields: { type: 'array', description: 'the requested data fields the error is about (at most 64)', items: { type: 'string' } },
        problems: {
          type: 'array',
          description: 'each problem by place, when the request had several (at most 200)',
          items: {
            type: 'object',
            required: ['message', 'messageZh'],
            properties: {
              path: { type: 'string', description: 'field path in the request body, e.g. fields[2].element' },
              line: { type: 'integer', description: 'line (CSV) or item position (JSON) in an imported file' },
              column: { type: 'string', description: 'the column as the imported file names it' },
              message: { type: 'string' },
              messageZh: { type: 'string' },
            },
          },
        },
      },
    },
  },
} as const;
