// The audit log search for a node's auditors and data administrators: POST /api/audit/search
// (search.ts). A POST, so that a citizen's ID number travels in the body and never in a URL that
// proxies and access logs keep. A search by subject is appended to the log as audit.subject-searched
// before its answer is returned: whoever looked up a person's history is in that history.
import { Type, type TSchema } from 'typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import type { Kysely } from 'kysely';
import { TongbanError } from '../core/errors.js';
import { errorResponses, type App } from '../http/app.js';
import { currentUser, requireUser, type SessionUser } from '../identity/index.js';
import type { TongbanDB } from '../store/schema.js';
import { AUDIT_CATEGORIES, AUDIT_OUTCOMES } from './event.js';
import type { AuditLog } from './log.js';
import { AUDIT_SEARCH_MAX_LIMIT, checkAuditSearch, searchAuditLog, type AuditSearchFilters } from './search.js';
import { AUDIT_EXPORT_MAX_ROWS, auditEntriesCsv, auditExportFileName } from './export.js';

export interface AuditSearchRouteContext {
  db: Kysely<TongbanDB>;
  audit: Pick<AuditLog, 'append' | 'subjectRef' | 'regionCode'>;
  /** the hub: its log holds no citizens (no subject key), so a search by subject is refused */
  hub?: boolean;
}

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const Str = (max: number, description: string) => Type.String({ minLength: 1, maxLength: max, description });

const Filters = Type.Object(
  {
    subject: Type.Optional(Str(64, 'an ID number (GB 11643) or 统一社会信用代码 (GB 32100): entries about that person or organisation. The search is itself audited (audit.subject-searched)')),
    messageId: Type.Optional(Str(128, 'an exchange message id')),
    category: Type.Optional(Type.Union(AUDIT_CATEGORIES.map((c) => Type.Literal(c)))),
    action: Type.Optional(Str(64, 'exact action, e.g. exchange.request.served')),
    actor: Type.Optional(Str(128, "exact actor id: a staff member's login name, a node's key id, cli:<user>…")),
    counterparty: Type.Optional(Type.String({ pattern: '^[0-9]{6}$', description: "the partner region's code" })),
    outcome: Type.Optional(Type.Union(AUDIT_OUTCOMES.map((o) => Type.Literal(o)))),
    from: Type.Optional(Type.String({ maxLength: 40, description: 'inclusive, UTC: 2026-11-24T16:00:00.000Z' })),
    to: Type.Optional(Type.String({ maxLength: 40, description: 'exclusive, UTC' })),
    before: Type.Optional(Type.Integer({ minimum: 1, description: "the previous page's nextBefore" })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: AUDIT_SEARCH_MAX_LIMIT, default: 50 })),
  },
  { additionalProperties: false },
);

const ExportFilters = Type.Object(
  {
    ...Type.Omit(Filters, ['before', 'limit']).properties,
    lang: Type.Optional(Type.Union([Type.Literal('zh-CN'), Type.Literal('en')], { description: "the headers' language (default zh-CN)" })),
  },
  { additionalProperties: false },
);

const Scalar = Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Null()]);
const EntryView = Type.Object({
  seq: Type.Integer(),
  at: Type.String(),
  category: Type.String(),
  action: Type.String(),
  actor: Type.Object({
    type: Type.String({ description: 'user, node, operator or system' }),
    id: Type.String(),
    regionCode: Nullable(Type.String()),
    department: Nullable(Type.String()),
    name: Nullable(Type.String({ description: "this node's own staff: the name on their account" })),
  }),
  outcome: Type.String(),
  errorCode: Nullable(Type.String()),
  messageId: Nullable(Type.String()),
  conversationId: Nullable(Type.String()),
  counterparty: Nullable(Type.String()),
  subjectMasked: Nullable(Type.String({ description: 'the ID number masked (3401**********1234): the only form the log keeps' })),
  purpose: Nullable(Type.Object({ serviceItem: Type.String(), caseId: Type.String(), agreementId: Type.Optional(Type.String()) })),
  resource: Nullable(Type.String()),
  fields: Nullable(Type.Array(Type.String())),
  requestHash: Nullable(Type.String()),
  responseHash: Nullable(Type.String()),
  detail: Nullable(Type.Record(Type.String(), Scalar)),
  hash: Type.String(),
  prevHash: Type.String(),
  anchored: Type.Boolean({ description: 'covered by a checkpoint the hub has countersigned' }),
  exchangeRecord: Type.Boolean({ description: 'this node sent the request: GET /api/exchange/requests/:messageId and its evidence package exist' }),
});

const Page = Type.Object({
  entries: Type.Array(EntryView),
  nextBefore: Nullable(Type.Integer({ description: 'pass as before for the next, older page; null: no older match' })),
  head: Type.Integer({ description: "the log's last seq" }),
  anchoredThrough: Type.Integer({ description: 'the highest seq a hub-countersigned checkpoint covers' }),
});

/** The filters of an export as its audit entry records them (the subject is in the entry's own columns): outcome=refused; from=… */
function describeFilters(f: AuditSearchFilters): string {
  const parts = Object.entries(f).filter(([k, v]) => k !== 'subject' && v !== undefined).map(([k, v]) => `${k}=${String(v)}`).sort();
  if (f.subject !== undefined) parts.unshift('subject');
  return parts.join('; ') || 'none';
}

export async function auditSearchRoutes(app: App, ctx: AuditSearchRouteContext): Promise<void> {
  await app.register(async (instance) => {
    const r = instance.withTypeProvider<TypeBoxTypeProvider>();
    // a node's data administrators and auditors; the hub's auditors and operators
    r.addHook('preHandler', ctx.hub ? requireUser('auditor', 'operator') : requireUser('admin', 'auditor'));

    const search = async (filters: AuditSearchFilters, maxLimit: number) => {
      if (ctx.hub && filters.subject !== undefined) {
        throw new TongbanError('E_INVALID_REQUEST', "subject: the hub's log holds no citizens' data; search the node of the region that served or requested it");
      }
      return searchAuditLog(ctx.db, checkAuditSearch(filters, (id) => ctx.audit.subjectRef(id), maxLimit), ctx.audit.regionCode);
    };
    /** recorded before the answer leaves: no one reads a person's history unrecorded */
    const recordSubjectSearch = async (user: SessionUser, filters: AuditSearchFilters, detail: Record<string, number | boolean>) => {
      if (filters.subject === undefined) return;
      await ctx.audit.append({
        category: 'security',
        action: 'audit.subject-searched',
        actor: { type: 'user', id: user.id, regionCode: ctx.audit.regionCode, department: user.department },
        outcome: 'ok',
        subject: { idNumber: filters.subject },
        detail,
      });
    };
    const exportMax = AUDIT_EXPORT_MAX_ROWS;

    r.post(
      '/api/audit/search',
      {
        schema: {
          tags: ['audit'],
          summary:
            "Search this server's audit log, newest first: by the person concerned (ID number or 统一社会信用代码; nodes only), message, category, action, actor, partner region, outcome and time; a page at a time (a node's data administrators and auditors; the hub's auditors and operators). A search by subject is appended to the log as audit.subject-searched",
          body: Filters,
          response: { 200: Page, ...errorResponses(400, 401, 403) },
        },
      },
      async (req) => {
        const filters = req.body as AuditSearchFilters;
        const page = await search(filters, AUDIT_SEARCH_MAX_LIMIT);
        await recordSubjectSearch(currentUser(req), filters, { matches: page.entries.length, ...(page.nextBefore !== null ? { more: true } : {}) });
        return page;
      },
    );

    r.post(
      '/api/audit/export',
      {
        schema: {
          tags: ['audit'],
          summary: `Every entry matching the search's filters as a CSV file (UTF-8 with BOM; times in Asia/Shanghai), newest first, for an auditor's report. More than ${AUDIT_EXPORT_MAX_ROWS.toLocaleString('en')} matches: 400 E_INVALID_REQUEST, narrow the search. Appended to the log as audit.log.exported (with the subject, when the export is of one person's entries)`,
          body: ExportFilters,
          produces: ['text/csv'],
          response: { 200: Type.String({ description: 'text/csv; charset=utf-8, an attachment' }), ...errorResponses(400, 401, 403) },
        },
      },
      async (req, reply) => {
        const { lang, ...filters } = req.body as AuditSearchFilters & { lang?: 'zh-CN' | 'en' };
        const page = await search({ ...filters, limit: exportMax }, exportMax);
        if (page.nextBefore !== null) {
          throw new TongbanError('E_INVALID_REQUEST', `more than ${exportMax} entries match: narrow the search (by time, say) and export it in parts`);
        }
        const user = currentUser(req);
        await ctx.audit.append({
          category: 'security',
          action: 'audit.log.exported',
          actor: { type: 'user', id: user.id, regionCode: ctx.audit.regionCode, department: user.department },
          outcome: 'ok',
          ...(filters.subject !== undefined ? { subject: { idNumber: filters.subject } } : {}),
          detail: { rows: page.entries.length, filters: describeFilters(filters) },
        });
        return (reply as FastifyReply)
          .header('content-disposition', `attachment; filename="${auditExportFileName(ctx.audit.regionCode)}"`)
          .header('cache-control', 'no-store')
          .type('text/csv; charset=utf-8')
          .send(auditEntriesCsv(page.entries, lang ?? 'zh-CN'));
      },
    );
  });
}
