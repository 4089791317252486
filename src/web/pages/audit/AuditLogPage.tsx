// 审计日志 / Audit log: the node's auditors and data administrators search its audit log
// (POST /api/audit/search) by the person concerned (an ID number or 统一社会信用代码: a search that is
// itself appended to the log), category, outcome, action, actor, partner region, days in Beijing time
// and message, newest first, a page at a time (加载更早的记录). Each entry opens in place with all it
// records, hashes included; an exchange this node sent links to its result page and evidence package.
// The last search and the pages loaded stay with the signed-in user while the console is open, so coming
// back from an exchange's result shows them again without searching (and being logged) again.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { FormEvent, ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { fetchMembers } from '../../api';
import type { ApiError, SessionUser } from '../../api';
import { AUDIT_LOG_PATH, searchAuditLog } from '../../audit/search';
import type { AuditEntryView, AuditOutcome, AuditSearchFilters, AuditSearchPage } from '../../audit/search';
import { ACTION_GROUPS, actionWording, AUDIT_CATEGORIES, AUDIT_OUTCOMES, AUDIT_PAGE_SIZES, CATALOG_KINDS, CATALOG_STEPS, EMPTY_SEARCH_FORM, filtersOfForm } from '../../audit/searchForm';
import type { AuditFormProblems, AuditSearchForm } from '../../audit/searchForm';
import { useRegionName } from '../../catalog/labels';
import { Icon } from '../../components/Icon';
import { Card, CardTable, DescList, Empty, ErrorPanel, FieldError, Loading, Tag, Time, useErrorCodeText } from '../../components/ui';
import type { Tone } from '../../components/ui';
import { useIdProblemText } from '../../exchange/idNumberText';
import { pick, useLang } from '../../i18n';
import { useNodeInfo } from '../../nodeInfo';
import { useSession } from '../../session';
import { asApiError, useResource } from '../../useResource';
import { usePartnerResource } from '../exchange/shared';
import { PageHeader } from '../shared';

/** The results shown: the query they answer (without its cursor) and the pages loaded so far. */
interface Results extends Omit<AuditSearchPage, 'entries'> {
  query: AuditSearchFilters;
  entries: AuditEntryView[];
}

/** What the page last showed, for the user it showed it to (see the head comment). */
let remembered: { userId: string; form: AuditSearchForm; results: Results; expanded: number[] } | undefined;

const OUTCOME_TONE: Record<AuditOutcome, Tone> = { ok: 'ok', refused: 'warn', error: 'error', pending: 'info' };

/** An action in the page's language; an action the page does not know, as its code. */
function useActionLabel(): (action: string) => string {
  const { t } = useTranslation();
  return (action) => {
    const w = actionWording(action);
    if (!w) return action;
    return w.values ? t(w.key, { kind: t(w.values.kind), step: t(w.values.step) }) : t(w.key);
  };
}

function useCategoryLabel(): (category: string) => string {
  const { t, i18n } = useTranslation();
  return (category) => (i18n.exists(`auditLog.categories.${category}`) ? t(`auditLog.categories.${category as 'exchange'}`) : category);
}

function OutcomeTag({ outcome }: { outcome: string }) {
  const { t, i18n } = useTranslation();
  const label = i18n.exists(`auditLog.outcomes.${outcome}`) ? t(`auditLog.outcomes.${outcome as 'ok'}`) : outcome;
  return <Tag tone={OUTCOME_TONE[outcome as AuditOutcome] ?? 'neutral'}>{label}</Tag>;
}

/** A refusal's or failure's code with its meaning. */
function ErrorCode({ code }: { code: string }) {
  const codeText = useErrorCodeText();
  const meaning = codeText(code);
  return (
    <span className="audit-error" data-testid="entry-error-code" data-code={code}>
      {/* a long code breaks after an underscore, not inside a word */}
      <code className="audit-error__code">{code.split('_').flatMap((part, i) => (i === 0 ? [part] : [<wbr key={i} />, `_${part}`]))}</code>
      {meaning && <span className="audit-error__text">{meaning}</span>}
    </span>
  );
}

/** Who is responsible: one of this node's staff by name, another region's user, a node, the hub's operator, the system. */
function Actor({ actor, ownRegion, full = false }: { actor: AuditEntryView['actor']; ownRegion: string | undefined; full?: boolean }) {
  const { t } = useTranslation();
  const regionName = useRegionName();
  const otherRegion = actor.regionCode && actor.regionCode !== ownRegion ? regionName(actor.regionCode) : undefined;
  if (actor.type === 'user') {
    return (
      <span className="audit-actor" data-testid="entry-actor">
        <span className="strong">{actor.name ?? actor.id}</span>
        {actor.name && <span className="mono small muted"> {actor.id}</span>}
        {actor.department && <span className="block small muted">{actor.department}</span>}
        {otherRegion && <span className="block small">{t('auditLog.actorOtherRegion', { region: otherRegion })}</span>}
      </span>
    );
  }
  // a request that failed its checks names only the region it claimed to come from
  const claimed = /^claimed:([0-9]{6})$/.exec(actor.id)?.[1];
  const kind = actor.type === 'node' || actor.type === 'system' || actor.type === 'operator' ? t(`auditLog.actorType.${actor.type}`) : actor.type;
  return (
    <span className="audit-actor" data-testid="entry-actor">
      <span className="strong">
        {claimed ? t('auditLog.actorClaimed', { region: regionName(claimed) }) : kind}
        {!claimed && actor.type === 'node' && actor.regionCode && ` · ${regionName(actor.regionCode)}`}
      </span>
      {(full || actor.type === 'operator') && !claimed && <span className="block mono small muted break-all">{actor.id}</span>}
      {actor.department && <span className="block small muted">{actor.department}</span>}
    </span>
  );
}

function Region({ code }: { code: string | null }) {
  const regionName = useRegionName();
  if (!code) return <span className="muted">—</span>;
  return (
    <span data-testid="entry-counterparty" data-code={code}>
      {regionName(code)} <span className="mono small muted">{code}</span>
    </span>
  );
}

function Hash({ value, testId }: { value: string | null; testId?: string }) {
  if (!value) return <span className="muted">—</span>;
  return (
    <code className="audit-hash" data-testid={testId}>
      {value}
    </code>
  );
}

/** Everything one entry records, shown under its row. */
function EntryDetail({ e, ownRegion }: { e: AuditEntryView; ownRegion: string | undefined }) {
  const { t } = useTranslation();
  const lang = useLang();
  const actionLabel = useActionLabel();
  const categoryLabel = useCategoryLabel();
  // the resource is the provider's: the partner's for an exchange this node sent, else this node's own
  const owner = e.exchangeRecord ? e.counterparty : ownRegion;
  const resource = usePartnerResource(owner ?? '', e.resource ?? '', false);
  const fieldLabels = new Map((resource.fields ?? []).map((f) => [f.name, pick(f.label, lang)]));
  const items: Array<{ key: string; label: ReactNode; value: ReactNode }> = [
    {
      key: 'action',
      label: t('auditLog.field.actionCode'),
      value: (
        <>
          <code>{e.action}</code> <span className="muted small">· {categoryLabel(e.category)}</span>
        </>
      ),
    },
    { key: 'actor', label: t('auditLog.field.actor'), value: <Actor actor={e.actor} ownRegion={ownRegion} full /> },
    {
      key: 'outcome',
      label: t('auditLog.col.outcome'),
      value: (
        <span className="audit-outcome">
          <OutcomeTag outcome={e.outcome} />
          {e.errorCode && <ErrorCode code={e.errorCode} />}
        </span>
      ),
    },
  ];
  const add = (key: string, label: string, value: ReactNode, when: unknown) => {
    if (when !== null && when !== undefined && when !== '') items.push({ key, label, value });
  };
  add('messageId', t('auditLog.field.messageId'), <code className="audit-hash" data-testid="detail-message-id">{e.messageId}</code>, e.messageId);
  add('conversationId', t('auditLog.field.conversationId'), <code className="audit-hash">{e.conversationId}</code>, e.conversationId);
  add('counterparty', t('auditLog.col.counterparty'), <Region code={e.counterparty} />, e.counterparty);
  add('subject', t('auditLog.col.subject'), <span className="mono">{e.subjectMasked}</span>, e.subjectMasked);
  add('serviceItem', t('auditLog.field.serviceItem'), e.purpose?.serviceItem, e.purpose?.serviceItem);
  add('caseId', t('auditLog.field.caseId'), <span className="mono">{e.purpose?.caseId}</span>, e.purpose?.caseId);
  add('agreementId', t('auditLog.field.agreementId'), <span className="mono break">{e.purpose?.agreementId}</span>, e.purpose?.agreementId);
  add(
    'resource',
    t('auditLog.field.resource'),
    <span data-testid="detail-resource">
      {resource.name !== e.resource && <>{resource.name} </>}
      <span className="mono small muted">{e.resource}</span>
    </span>,
    e.resource,
  );
  add(
    'fields',
    t('auditLog.field.fields'),
    <span className="tags" data-testid="detail-fields">
      {(e.fields ?? []).map((f) => (
        <Tag tone="neutral" dot={false} key={f} title={f}>
          {fieldLabels.get(f) ?? f}
        </Tag>
      ))}
    </span>,
    e.fields?.length ? e.fields : undefined,
  );
  add('requestHash', t('auditLog.field.requestHash'), <Hash value={e.requestHash} />, e.requestHash);
  add('responseHash', t('auditLog.field.responseHash'), <Hash value={e.responseHash} />, e.responseHash);
  add(
    'detail',
    t('auditLog.field.detail'),
    <dl className="audit-kv" data-testid="detail-kv">
      {Object.entries(e.detail ?? {}).map(([k, v]) => (
        <div key={k} className="audit-kv__row">
          <dt className="mono">{k}</dt>
          <dd className="break">{v === null ? '—' : String(v)}</dd>
        </div>
      ))}
    </dl>,
    e.detail && Object.keys(e.detail).length > 0 ? e.detail : undefined,
  );
  items.push(
    { key: 'hash', label: t('auditLog.field.hash'), value: <Hash value={e.hash} testId="detail-hash" /> },
    { key: 'prevHash', label: t('auditLog.field.prevHash'), value: <Hash value={e.prevHash} /> },
    {
      key: 'anchoring',
      label: t('auditLog.field.anchoring'),
      value: e.anchored ? t('auditLog.anchoredHint') : t('auditLog.notAnchoredHint'),
    },
  );
  return (
    <div className="audit-detail" data-testid={`audit-detail-${e.seq}`}>
      <div className="audit-detail__head">
        <span className="strong">
          {t('auditLog.detailTitle', { seq: e.seq })} · {actionLabel(e.action)}
        </span>
        {e.exchangeRecord && e.messageId && (
          <Link className="btn btn--small btn--primary" to={`/exchange/${encodeURIComponent(e.messageId)}`} state={{ from: AUDIT_LOG_PATH }} data-testid="open-exchange">
            <Icon name="document" size={13} /> {t('auditLog.openExchange')}
          </Link>
        )}
      </div>
      <DescList items={items} />
    </div>
  );
}

const COLUMNS = 9;

function EntryRow({ e, ownRegion, expanded, onToggle }: { e: AuditEntryView; ownRegion: string | undefined; expanded: boolean; onToggle: () => void }) {
  const { t } = useTranslation();
  const actionLabel = useActionLabel();
  const col = useColumns();
  const detailId = `audit-detail-${e.seq}`;
  return (
    <>
      <tr className={expanded ? 'audit-row is-open' : 'audit-row'} data-testid="audit-row" data-seq={e.seq} data-action={e.action} data-outcome={e.outcome}>
        <td data-label={col.seq} className="audit-row__seq">
          <button
            type="button"
            className="audit-toggle"
            onClick={onToggle}
            aria-expanded={expanded}
            aria-controls={detailId}
            aria-label={t(expanded ? 'auditLog.hideDetail' : 'auditLog.showDetail', { seq: e.seq })}
            title={t(expanded ? 'auditLog.hideDetail' : 'auditLog.showDetail', { seq: e.seq })}
            data-testid="audit-toggle"
          >
            <Icon name="chevronDown" size={14} className="audit-toggle__icon" />
            <span className="num">{e.seq}</span>
            {/* a phone's card has room to say what the button does */}
            <span className="audit-toggle__more">{t('auditLog.details')}</span>
          </button>
        </td>
        <td data-label={col.at} className="small">
          <Time value={e.at} />
        </td>
        <td data-label={col.action}>
          <span className="strong" data-testid="entry-action" title={e.action}>
            {actionLabel(e.action)}
          </span>
        </td>
        <td data-label={col.actor}>
          <Actor actor={e.actor} ownRegion={ownRegion} />
        </td>
        <td data-label={col.outcome}>
          <span className="audit-outcome" data-testid="entry-outcome">
            <OutcomeTag outcome={e.outcome} />
            {e.errorCode && <ErrorCode code={e.errorCode} />}
          </span>
        </td>
        <td data-label={col.counterparty}>
          <Region code={e.counterparty} />
        </td>
        <td data-label={col.subject}>{e.subjectMasked ? <span className="mono small" data-testid="entry-subject">{e.subjectMasked}</span> : <span className="muted">—</span>}</td>
        <td data-label={col.matter}>
          {e.purpose ? (
            <span data-testid="entry-matter">
              <span className="block">{e.purpose.serviceItem}</span>
              <span className="block mono small muted">{e.purpose.caseId}</span>
            </span>
          ) : (
            <span className="muted">—</span>
          )}
        </td>
        <td data-label={col.anchored}>
          <span className={e.anchored ? 'audit-anchor is-anchored' : 'audit-anchor'} title={e.anchored ? t('auditLog.anchoredHint') : t('auditLog.notAnchoredHint')} data-testid="entry-anchored" data-anchored={String(e.anchored)}>
            <Icon name={e.anchored ? 'seal' : 'clock'} size={14} />
            {e.anchored ? t('auditLog.anchored') : t('auditLog.notAnchored')}
          </span>
        </td>
      </tr>
      {expanded && (
        <tr className="audit-detail-row" id={detailId}>
          <td colSpan={COLUMNS} className="audit-detail-cell">
            <EntryDetail e={e} ownRegion={ownRegion} />
          </td>
        </tr>
      )}
    </>
  );
}

function useColumns() {
  const { t } = useTranslation();
  return {
    seq: t('auditLog.col.seq'),
    at: t('auditLog.col.at'),
    action: t('auditLog.col.action'),
    actor: t('auditLog.col.actor'),
    outcome: t('auditLog.col.outcome'),
    counterparty: t('auditLog.col.counterparty'),
    subject: t('auditLog.col.subject'),
    matter: t('auditLog.col.matter'),
    anchored: t('auditLog.col.anchored'),
  };
}

/** One of the form's fields: its label, and the control(s) and notes under it. */
function Field({ id, label, wide = false, children }: { id: string; label: string; wide?: boolean; children: ReactNode }) {
  return (
    <div className={wide ? 'field audit-filters__wide' : 'field'}>
      <label className="field__label" htmlFor={id}>
        {label}
      </label>
      {children}
    </div>
  );
}

const loadMembers = (signal: AbortSignal) => fetchMembers(signal);

/** The partner region: a list of the federation's other members, or a code typed in when the list cannot be had. */
function CounterpartyField({ value, onChange, invalid }: { value: string; onChange: (v: string) => void; invalid: boolean }) {
  const { t } = useTranslation();
  const regionName = useRegionName();
  const members = useResource(loadMembers);
  const others = (members.data?.members ?? []).filter((m) => !m.self).sort((a, b) => a.regionCode.localeCompare(b.regionCode));
  if (members.error && !members.data) {
    return (
      <Field id="al-counterparty" label={t('auditLog.counterparty')}>
        <input
          id="al-counterparty"
          className="input mono"
          inputMode="numeric"
          maxLength={6}
          value={value}
          placeholder={t('auditLog.counterpartyPlaceholder')}
          onChange={(e) => onChange(e.target.value)}
          aria-invalid={invalid || undefined}
          data-testid="filter-counterparty"
        />
        {invalid && <FieldError message={{ key: 'auditLog.problem.counterparty' }} />}
      </Field>
    );
  }
  // a region no longer in the list (an earlier search) stays choosable
  const listed = others.some((m) => m.regionCode === value);
  return (
    <Field id="al-counterparty" label={t('auditLog.counterparty')}>
      <select id="al-counterparty" className="input select" value={value} onChange={(e) => onChange(e.target.value)} data-testid="filter-counterparty">
        <option value="">{t('auditLog.counterpartyAll')}</option>
        {others.map((m) => (
          <option key={m.regionCode} value={m.regionCode}>
            {regionName(m.regionCode, m.name)} {m.regionCode}
          </option>
        ))}
        {value && !listed && <option value={value}>{regionName(value)} {value}</option>}
      </select>
    </Field>
  );
}

function ActionSelect({ value, onChange }: { value: string; onChange: (v: string) => void }) {
  const { t } = useTranslation();
  const actionLabel = useActionLabel();
  return (
    <select id="al-action" className="input select" value={value} onChange={(e) => onChange(e.target.value)} data-testid="filter-action">
      <option value="">{t('auditLog.actionAll')}</option>
      {ACTION_GROUPS.map((g) => (
        <optgroup key={g.category} label={t(`auditLog.actionGroup.${g.category}`)}>
          {g.actions.map((a) => (
            <option key={a} value={a}>
              {actionLabel(a)}
            </option>
          ))}
        </optgroup>
      ))}
      {CATALOG_KINDS.map((kind) => (
        <optgroup key={kind} label={`${t('auditLog.actionGroup.catalog')} · ${t(`auditLog.catalogKind.${kind}`)}`}>
          {CATALOG_STEPS.map((step) => (
            <option key={step} value={`catalog.${kind}.${step}`}>
              {actionLabel(`catalog.${kind}.${step}`)}
            </option>
          ))}
        </optgroup>
      ))}
    </select>
  );
}

function SearchForm({
  form,
  problems,
  busy,
  onChange,
  onSubmit,
  onReset,
}: {
  form: AuditSearchForm;
  problems: AuditFormProblems;
  busy: boolean;
  onChange: (patch: Partial<AuditSearchForm>) => void;
  onSubmit: () => void;
  onReset: () => void;
}) {
  const { t } = useTranslation();
  const idProblemText = useIdProblemText();
  const submit = (ev: FormEvent) => {
    ev.preventDefault();
    onSubmit();
  };
  const select = <K extends 'category' | 'outcome'>(key: K, options: readonly string[], all: string, label: (v: string) => string) => (
    <select id={`al-${key}`} className="input select" value={form[key]} onChange={(e) => onChange({ [key]: e.target.value } as Partial<AuditSearchForm>)} data-testid={`filter-${key}`}>
      <option value="">{all}</option>
      {options.map((o) => (
        <option key={o} value={o}>
          {label(o)}
        </option>
      ))}
    </select>
  );
  const categoryLabel = useCategoryLabel();
  return (
    <Card title={t('auditLog.filtersTitle')} icon="search" testId="audit-log-filters">
      <form className="audit-filters" onSubmit={submit} noValidate data-testid="audit-log-form">
        <Field id="al-subject" label={t('auditLog.subject')} wide>
          <input
            id="al-subject"
            className="input mono id-input"
            value={form.subject}
            maxLength={22}
            autoComplete="off"
            spellCheck={false}
            placeholder={t('auditLog.subjectPlaceholder')}
            onChange={(e) => onChange({ subject: e.target.value.toUpperCase() })}
            aria-invalid={problems.subject ? true : undefined}
            aria-describedby="al-subject-note"
            data-testid="filter-subject"
          />
          {problems.subject && (
            <span className="field__error" role="alert" data-testid="subject-error" data-problem={problems.subject.problem}>
              <Icon name="error" size={13} /> {idProblemText(problems.subject)}
            </span>
          )}
          <p className="audit-filters__note" id="al-subject-note" data-testid="subject-note">
            <Icon name="info" size={14} /> <span>{t('auditLog.subjectNote')}</span>
          </p>
        </Field>
        <Field id="al-category" label={t('auditLog.category')}>
          {select('category', AUDIT_CATEGORIES, t('auditLog.categoryAll'), categoryLabel)}
        </Field>
        <Field id="al-outcome" label={t('auditLog.outcome')}>
          {select('outcome', AUDIT_OUTCOMES, t('auditLog.outcomeAll'), (o) => t(`auditLog.outcomes.${o as 'ok'}`))}
        </Field>
        <Field id="al-action" label={t('auditLog.action')}>
          <ActionSelect value={form.action} onChange={(action) => onChange({ action })} />
        </Field>
        <Field id="al-actor" label={t('auditLog.actor')}>
          <input
            id="al-actor"
            className="input"
            value={form.actor}
            maxLength={128}
            autoComplete="off"
            autoCapitalize="none"
            spellCheck={false}
            placeholder={t('auditLog.actorPlaceholder')}
            onChange={(e) => onChange({ actor: e.target.value })}
            data-testid="filter-actor"
          />
        </Field>
        <CounterpartyField value={form.counterparty} onChange={(counterparty) => onChange({ counterparty })} invalid={Boolean(problems.counterparty)} />
        <Field id="al-size" label={t('auditLog.pageSize')}>
          <select id="al-size" className="input select" value={form.pageSize} onChange={(e) => onChange({ pageSize: Number(e.target.value) })} data-testid="filter-page-size">
            {AUDIT_PAGE_SIZES.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </Field>
        <div className="field audit-filters__wide" role="group" aria-labelledby="al-dates-label">
          <span className="field__label" id="al-dates-label">
            {t('auditLog.dateRange')}
          </span>
          <span className="audit-dates">
            <input
              type="date"
              className="input"
              value={form.dateFrom}
              onChange={(e) => onChange({ dateFrom: e.target.value })}
              aria-label={t('auditLog.dateFrom')}
              aria-invalid={problems.dates && problems.dates !== 'toInvalid' ? true : undefined}
              data-testid="filter-from"
            />
            <span className="muted" aria-hidden="true">
              {t('auditLog.dateSeparator')}
            </span>
            <input
              type="date"
              className="input"
              value={form.dateTo}
              onChange={(e) => onChange({ dateTo: e.target.value })}
              aria-label={t('auditLog.dateTo')}
              aria-invalid={problems.dates && problems.dates !== 'fromInvalid' ? true : undefined}
              data-testid="filter-to"
            />
          </span>
          {problems.dates ? <FieldError message={{ key: `auditLog.problem.${problems.dates}` }} /> : <span className="form-hint">{t('auditLog.dateHint')}</span>}
        </div>
        <Field id="al-message" label={t('auditLog.messageId')} wide>
          <input id="al-message" className="input mono" value={form.messageId} maxLength={128} autoComplete="off" spellCheck={false} onChange={(e) => onChange({ messageId: e.target.value })} data-testid="filter-message-id" />
        </Field>
        <div className="audit-filters__buttons">
          <button type="submit" className="btn btn--primary" disabled={busy} data-testid="search-submit">
            <Icon name="search" size={15} /> {busy ? t('auditLog.searching') : t('auditLog.search')}
          </button>
          <button type="button" className="btn" onClick={onReset} disabled={busy} data-testid="search-reset">
            {t('auditLog.reset')}
          </button>
        </div>
      </form>
    </Card>
  );
}

/** A search the server refused or that failed: its message, and its detail (what exactly it refused). */
function SearchError({ title, error, onRetry, testId }: { title: string; error: ApiError; onRetry?: () => void; testId: string }) {
  return (
    <div className="pad" data-testid={testId} data-code={error.code ?? ''}>
      <ErrorPanel title={title} error={error} onRetry={onRetry} />
      {typeof error.detail === 'string' && <p className="muted small form-error__detail">{error.detail}</p>}
    </div>
  );
}

function ResultsCard({
  results,
  status,
  error,
  moreError,
  expanded,
  ownRegion,
  onToggle,
  onMore,
}: {
  results: Results | undefined;
  status: 'idle' | 'searching' | 'more';
  error: ApiError | undefined;
  moreError: ApiError | undefined;
  expanded: ReadonlySet<number>;
  ownRegion: string | undefined;
  onToggle: (seq: number) => void;
  onMore: () => void;
}) {
  const { t } = useTranslation();
  const col = useColumns();
  let body: ReactNode;
  if (status === 'searching') {
    body = (
      <div className="pad">
        <Loading lines={4} />
      </div>
    );
  } else if (error) {
    body = <SearchError title={t('auditLog.searchFailed')} error={error} testId="search-error" />;
  } else if (!results) {
    body = null;
  } else if (results.entries.length === 0) {
    body = <Empty title={t('auditLog.empty')}>{t('auditLog.emptyHint')}</Empty>;
  } else {
    body = (
      <>
        <CardTable
          testId="audit-log-table"
          className="audit-table"
          columns={[
            { label: col.seq, className: 'col-seq' },
            { label: col.at, className: 'col-when' },
            { label: col.action },
            { label: col.actor },
            { label: col.outcome, className: 'col-outcome' },
            { label: col.counterparty, className: 'col-partner' },
            { label: col.subject, className: 'col-subject' },
            { label: col.matter },
            { label: col.anchored, className: 'col-anchored' },
          ]}
        >
          {results.entries.map((e) => (
            <EntryRow key={e.seq} e={e} ownRegion={ownRegion} expanded={expanded.has(e.seq)} onToggle={() => onToggle(e.seq)} />
          ))}
        </CardTable>
        {moreError && <SearchError title={t('auditLog.loadMoreFailed')} error={moreError} onRetry={onMore} testId="more-error" />}
        <div className="audit-more">
          {results.nextBefore !== null ? (
            <button type="button" className="btn" onClick={onMore} disabled={status === 'more'} data-testid="load-more">
              <Icon name={status === 'more' ? 'refresh' : 'chevronDown'} size={15} className={status === 'more' ? 'spin' : undefined} />
              {status === 'more' ? t('auditLog.loadingMore') : t('auditLog.loadMore')}
            </button>
          ) : (
            <span className="muted" data-testid="no-more">
              {t('auditLog.noMore')}
            </span>
          )}
          <span className="muted small" data-testid="audit-log-count" data-count={results.entries.length}>
            {t('auditLog.shown', { count: results.entries.length })}
          </span>
        </div>
      </>
    );
  }
  return (
    <Card
      title={t('auditLog.resultsTitle')}
      flush
      testId="audit-log-results"
      actions={
        results && (
          <span className="muted small audit-summary" data-testid="audit-log-summary">
            {results.anchoredThrough > 0 ? t('auditLog.logSummary', { head: results.head, anchored: results.anchoredThrough }) : t('auditLog.logSummaryNone', { head: results.head })}
          </span>
        )
      }
    >
      {body}
    </Card>
  );
}

/** The page's state, restored from what it last showed this user. */
function initialState(user: SessionUser | null) {
  const last = user && remembered?.userId === user.id ? remembered : undefined;
  return { form: last?.form ?? EMPTY_SEARCH_FORM, results: last?.results, expanded: new Set(last?.expanded ?? []) };
}

export function AuditLogPage() {
  const { t } = useTranslation();
  const { user } = useSession();
  const { data: info } = useNodeInfo();
  const ownRegion = info?.regionCode ?? user?.regionCode;
  const [initial] = useState(() => initialState(user));
  const [form, setForm] = useState<AuditSearchForm>(initial.form);
  const [problems, setProblems] = useState<AuditFormProblems>({});
  const [results, setResults] = useState<Results | undefined>(initial.results);
  const [expanded, setExpanded] = useState<ReadonlySet<number>>(initial.expanded);
  const [status, setStatus] = useState<'idle' | 'searching' | 'more'>('idle');
  const [error, setError] = useState<ApiError>();
  const [moreError, setMoreError] = useState<ApiError>();
  const inFlight = useRef<AbortController | null>(null);

  // what the page shows now is what it shows this user on coming back
  useEffect(() => {
    if (user && results) remembered = { userId: user.id, form, results, expanded: [...expanded] };
  }, [user, form, results, expanded]);
  useEffect(() => () => inFlight.current?.abort(), []);

  /** Runs `query` (a new search), or its next older page after `from` (appended). */
  const run = useCallback(async (query: AuditSearchFilters, from?: Results) => {
    inFlight.current?.abort();
    const ctrl = new AbortController();
    inFlight.current = ctrl;
    setStatus(from ? 'more' : 'searching');
    setMoreError(undefined);
    if (!from) setError(undefined);
    try {
      const page = await searchAuditLog(from?.nextBefore ? { ...query, before: from.nextBefore } : query, ctrl.signal);
      if (ctrl.signal.aborted) return;
      setResults({ ...page, query, entries: from ? [...from.entries, ...page.entries] : page.entries });
      if (!from) setExpanded(new Set());
    } catch (err) {
      if (ctrl.signal.aborted) return;
      if (from) setMoreError(asApiError(err));
      else {
        setError(asApiError(err));
        setResults(undefined);
      }
    } finally {
      if (!ctrl.signal.aborted) setStatus('idle');
    }
  }, []);

  // the newest entries, on a first visit
  useEffect(() => {
    if (!initial.results) {
      const first = filtersOfForm(EMPTY_SEARCH_FORM);
      if ('filters' in first) void run(first.filters);
    }
  }, [initial, run]);

  const submit = () => {
    const checked = filtersOfForm(form);
    if ('problems' in checked) {
      setProblems(checked.problems);
      return;
    }
    setProblems({});
    void run(checked.filters);
  };
  const reset = () => {
    setForm(EMPTY_SEARCH_FORM);
    setProblems({});
    const checked = filtersOfForm(EMPTY_SEARCH_FORM);
    if ('filters' in checked) void run(checked.filters);
  };
  const toggle = (seq: number) =>
    setExpanded((open) => {
      const next = new Set(open);
      if (!next.delete(seq)) next.add(seq);
      return next;
    });

  return (
    <div className="page" data-testid="page-audit-log" data-status={status}>
      <PageHeader title={t('auditLog.title')} subtitle={t('auditLog.subtitle')} />
      <SearchForm
        form={form}
        problems={problems}
        busy={status === 'searching'}
        onChange={(patch) => {
          setForm((f) => ({ ...f, ...patch }));
          // a problem goes once the field it is about changes
          setProblems((p) => {
            const next = { ...p };
            if ('subject' in patch) delete next.subject;
            if ('dateFrom' in patch || 'dateTo' in patch) delete next.dates;
            if ('counterparty' in patch) delete next.counterparty;
            return next;
          });
        }}
        onSubmit={submit}
        onReset={reset}
      />
      <ResultsCard
        results={results}
        status={status}
        error={error}
        moreError={moreError}
        expanded={expanded}
        ownRegion={ownRegion}
        onToggle={toggle}
        onMore={() => results && void run(results.query, results)}
      />
    </div>
  );
}
