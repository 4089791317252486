// 调阅结果 / Result of one exchange: the record as a labelled table, and beside it where it came from
// (department, source system, data time), whether the provider's seal verifies and is bound to this
// request, and the evidence package (存证包) to take away. A pending exchange (slow source) is polled
// every 2 s until it completes or fails; a refusal shows its vocabulary code with the message in both
// languages. An auditor opens any exchange from the audit log (审计日志) and reads it here, evidence
// package included, but is offered none of the clerk's steps (a new request, editing a refused one).
import { useCallback, useEffect, useState } from 'react';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { Link, useLocation, useParams } from 'react-router';
import { Icon } from '../../components/Icon';
import { Banner, Card, DescList, ErrorPanel, Loading, Tag, Time } from '../../components/ui';
import { AUDIT_LOG_PATH } from '../../audit/search';
import { useRegionName } from '../../catalog/labels';
import { evidenceDownload, fetchExchange } from '../../exchange/api';
import type { ExchangeView, FieldDef } from '../../exchange/api';
import { draftOfView, focusForError, readDraft } from '../../exchange/draft';
import type { ExchangeDraft, ExchangeFormState } from '../../exchange/draft';
import { pick, useLang } from '../../i18n';
import type { Lang } from '../../i18n';
import { useSession } from '../../session';
import { useResource } from '../../useResource';
import { useSuiteLabel } from '../shared';
import { formatDataTime, formatLatency, PENDING_POLL_MS, RouteTag, StatusTag, usePartnerResource, useResourceName } from './shared';

function Check({ ok, yes, no, testId, attrs }: { ok: boolean; yes: ReactNode; no: ReactNode; testId?: string; attrs?: Record<`data-${string}`, string> }) {
  return (
    <span className={ok ? 'verdict verdict--ok' : 'verdict verdict--bad'} data-testid={testId} {...attrs}>
      <Icon name={ok ? 'check' : 'error'} size={15} />
      {ok ? yes : no}
    </span>
  );
}

function StatusBanner({ x, fieldDefs }: { x: ExchangeView; fieldDefs: FieldDef[] | undefined }) {
  const { t } = useTranslation();
  const lang = useLang();
  const region = useRegionName()(x.target.regionCode, x.target.name);
  const attrs = { 'data-status': x.status };
  if (x.status === 'pending') {
    return (
      <div className="banner banner--info pending-banner" role="status" data-testid="exchange-status" {...attrs}>
        <Icon name="refresh" size={18} className="banner__icon spin" />
        <div className="banner__text">
          <div className="banner__title">{t('result.pendingTitle', { region })}</div>
          <div className="banner__body">{t('result.pendingBody', { seconds: PENDING_POLL_MS / 1000 })}</div>
        </div>
      </div>
    );
  }
  if (x.status === 'failed') {
    const e = x.error;
    return (
      <Banner tone="error" title={t('result.failedTitle', { region })} testId="exchange-status" attrs={attrs}>
        {e ? (
          <div className="exchange-error" data-testid="exchange-error" data-code={e.code}>
            <p>
              <code className="error-code error-code--lead">{e.code}</code>
              <span className="exchange-error__msg">{lang === 'en' ? e.messageEn : e.messageZh}</span>
            </p>
            <p className="muted small" lang={lang === 'en' ? 'zh-CN' : 'en'}>
              {lang === 'en' ? e.messageZh : e.messageEn}
            </p>
            {e.fields && e.fields.length > 0 && <ErrorFields names={e.fields} fieldDefs={fieldDefs} />}
            {e.detail && (
              <p className="exchange-error__detail small">
                <span className="muted">{t('result.errorDetail')}</span> {e.detail}
              </p>
            )}
          </div>
        ) : (
          t('result.failedNoDetail')
        )}
      </Banner>
    );
  }
  const seal = x.result?.seal;
  const trusted = Boolean(seal?.verified && seal.requestHashMatches);
  return (
    <Banner tone={trusted ? 'ok' : 'warn'} title={trusted ? t('result.completedTitle', { region }) : t('result.completedUnverifiedTitle')} testId="exchange-status" attrs={attrs}>
      {trusted ? t('result.completedBody') : t('result.completedUnverifiedBody')}
    </Banner>
  );
}

/** The fields a refusal is about, by their labels in the page's language (the detail is the provider's English). */
function ErrorFields({ names, fieldDefs }: { names: string[]; fieldDefs: FieldDef[] | undefined }) {
  const { t } = useTranslation();
  const lang = useLang();
  const defs = new Map((fieldDefs ?? []).map((f) => [f.name, f]));
  return (
    <p className="exchange-error__fields" data-testid="exchange-error-fields">
      <span className="muted">{t('result.errorFields')}</span>{' '}
      <span className="tags">
        {names.map((name) => {
          const def = defs.get(name);
          return (
            <Tag tone="warn" dot={false} key={name}>
              <span data-field={name}>{def ? pick(def.label, lang) : name}</span>
            </Tag>
          );
        })}
      </span>
    </p>
  );
}

function RecordTable({ x, fieldDefs }: { x: ExchangeView; fieldDefs: FieldDef[] | undefined }) {
  const { t } = useTranslation();
  const lang = useLang();
  const record = x.result?.record ?? {};
  const defs = new Map((fieldDefs ?? []).map((f) => [f.name, f]));
  // the fields asked for, in the resource's order, then anything else the record holds
  const order = [...(fieldDefs ?? []).map((f) => f.name).filter((n) => n in record || x.fields.includes(n)), ...Object.keys(record)];
  const names = [...new Set(order)].filter((n) => n in record || x.fields.includes(n));
  return (
    <table className="table record-table" data-testid="record-table">
      <tbody>
        {names.map((name) => {
          const def = defs.get(name);
          const value = record[name];
          const withheld = !(name in record);
          return (
            <tr key={name} data-testid={`record-row-${name}`}>
              <th scope="row">
                <span className="record-table__label">{def ? pick(def.label, lang) : name}</span>
                {def?.sensitivity === 'sensitive' && (
                  <Tag tone="warn" dot={false}>
                    {t('exchange.form.sensitive')}
                  </Tag>
                )}
              </th>
              <td className={def?.type === 'number' ? 'num' : undefined}>
                {withheld ? (
                  <span className="muted">{t('result.withheld')}</span>
                ) : value === null || value === undefined || value === '' ? (
                  <span className="muted">—</span>
                ) : (
                  String(value)
                )}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function ProvenancePanel({ x }: { x: ExchangeView }) {
  const { t } = useTranslation();
  const lang = useLang();
  const suiteLabel = useSuiteLabel();
  const regionName = useRegionName();
  const r = x.result!;
  const p = r.provenance;
  const s = r.seal;
  return (
    <Card title={t('result.provenanceTitle')} icon="seal" testId="provenance-panel" className="provenance">
      <h3 className="subhead">{t('result.source')}</h3>
      <DescList
        items={[
          { key: 'dept', label: t('result.department'), value: <span data-testid="prov-department">{p.department}</span> },
          { key: 'system', label: t('result.sourceSystem'), value: <span data-testid="prov-source-system">{p.sourceSystem}</span> },
          { key: 'dataTime', label: t('result.dataTime'), value: <span data-testid="prov-data-time">{formatDataTime(p.dataTime, lang)}</span> },
          { key: 'retrieved', label: t('result.retrievedAt'), value: <span data-testid="prov-retrieved-at"><Time value={p.retrievedAt} /></span> },
          { key: 'region', label: t('result.provider'), value: <span data-testid="prov-region">{regionName(x.target.regionCode, x.target.name)} <span className="mono muted">{p.regionCode}</span></span> },
          ...(p.quality.length
            ? [
                {
                  key: 'quality',
                  label: t('result.quality'),
                  value: (
                    <span className="tags" data-testid="prov-quality">
                      {p.quality.map((q) => (
                        <Tag tone="warn" key={q}>
                          {q}
                        </Tag>
                      ))}
                    </span>
                  ),
                },
              ]
            : []),
        ]}
      />
      <h3 className="subhead">{t('result.sealTitle')}</h3>
      <DescList
        items={[
          {
            key: 'verified',
            label: t('result.sealStatus'),
            value: (
              <span className="seal-status">
                <Check ok={s.verified} yes={t('result.sealVerified')} no={t('result.sealNotVerified')} testId="seal-status" attrs={{ 'data-verified': String(s.verified) }} />
                {!s.verified && s.reason && <span className="seal-reason small" data-testid="seal-reason">{s.reason}</span>}
              </span>
            ),
          },
          {
            key: 'binding',
            label: t('result.binding'),
            value: (
              <Check ok={s.requestHashMatches} yes={t('result.bindingOk')} no={t('result.bindingBad')} testId="seal-binding" attrs={{ 'data-matches': String(s.requestHashMatches) }} />
            ),
          },
          { key: 'signer', label: t('result.signer'), value: <span data-testid="seal-signer">{regionName(s.signer.regionCode, s.signer.name)} <span className="mono muted">{s.signer.regionCode}</span></span> },
          { key: 'key', label: t('result.keyId'), value: <span className="mono break-all small" data-testid="seal-key-id">{s.keyId}</span> },
          { key: 'suite', label: t('result.suite'), value: <span data-testid="seal-suite">{suiteLabel(s.suite)}</span> },
          {
            key: 'batch',
            label: t('result.batch'),
            value: (
              <span data-testid="seal-batch" data-size={String(s.batchSize)}>
                {s.batchSize > 1 ? t('result.batchMany', { n: s.batchSize }) : t('result.batchOne')}
              </span>
            ),
          },
          { key: 'sealedAt', label: t('result.sealedAt'), value: <Time value={s.sealedAt} /> },
        ]}
      />
      <h3 className="subhead">{t('result.transportTitle')}</h3>
      <DescList items={transportItems(x, t, lang)} />
    </Card>
  );
}

/**
 * The evidence package (存证包) of a completed exchange: a link the browser saves (the server sends it as
 * an attachment), and how whoever receives it verifies it offline.
 */
function EvidenceCard({ x }: { x: ExchangeView }) {
  const { t } = useTranslation();
  const { href, fileName } = evidenceDownload(x.messageId);
  return (
    <Card title={t('result.evidence.title')} icon="audit" testId="evidence-card" className="evidence-card">
      <p className="prose">{t('result.evidence.body')}</p>
      <div className="evidence-card__actions">
        <a className="btn btn--primary" href={href} download={fileName} data-testid="download-evidence">
          <Icon name="download" size={15} /> {t('result.evidence.download')}
        </a>
      </div>
      <p className="small muted evidence-card__hint">{t('result.evidence.verifyHint')}</p>
      <code className="evidence-card__cmd" data-testid="evidence-command">
        tongban exchange verify-evidence {fileName} <span className="evidence-card__arg">--hub-key-id &lt;{t('result.evidence.hubKeyId')}&gt;</span>
      </code>
      <p className="small muted evidence-card__hint">{t('result.evidence.logged')}</p>
    </Card>
  );
}

/** What a clerk can do about a refusal, by vocabulary code. */
function adviceFor(code: string | undefined, t: TFunction): string {
  switch (code) {
    case 'E_SUBJECT_NOT_FOUND':
      return t('result.advice.E_SUBJECT_NOT_FOUND');
    case 'E_AMBIGUOUS_SUBJECT':
      return t('result.advice.E_AMBIGUOUS_SUBJECT');
    case 'E_FIELD_NOT_ALLOWED':
      return t('result.advice.E_FIELD_NOT_ALLOWED');
    case 'E_NO_AGREEMENT':
      return t('result.advice.E_NO_AGREEMENT');
    case 'E_NEEDS_AUTHORISATION':
      return t('result.advice.E_NEEDS_AUTHORISATION');
    case 'E_NOT_TRUSTED':
    case 'E_SIGNATURE':
    case 'E_TRUST_LIST_EXPIRED':
      return t('result.advice.trust');
    case 'E_SOURCE_UNAVAILABLE':
    case 'E_TIMEOUT':
    case 'E_PEER_UNAVAILABLE':
    case 'E_HUB_UNAVAILABLE':
      return t('result.advice.unavailable');
    default:
      return t('result.advice.other');
  }
}

function transportItems(x: ExchangeView, t: TFunction, lang: Lang) {
  return [
    { key: 'route', label: t('result.route'), value: <span data-testid="exchange-route" data-route={x.route}><RouteTag route={x.route} /></span> },
    { key: 'latency', label: t('result.latency'), value: <span className="num" data-testid="exchange-latency">{formatLatency(x.latencyMs, lang)}</span> },
  ];
}

/** The basis the request was sent on (consent or legal basis). */
function BasisValue({ authorisation }: { authorisation: NonNullable<ExchangeView['authorisation']> }) {
  const { t } = useTranslation();
  const statutory = authorisation.type === 'statutory';
  return (
    <span className="summary-basis" data-testid="summary-basis" data-type={authorisation.type}>
      <Tag tone={statutory ? 'info' : 'ok'} dot={false}>
        {statutory ? t('result.basisStatutory') : t('result.basisConsent')}
      </Tag>{' '}
      <span className={statutory ? 'break' : 'mono break'}>{authorisation.reference}</span>
    </span>
  );
}

function SummaryCard({ x, isClerk }: { x: ExchangeView; isClerk: boolean }) {
  const { t } = useTranslation();
  const lang = useLang();
  const regionName = useRegionName();
  const resourceName = useResourceName(x.target.regionCode, x.resource, isClerk);
  const basis = x.authorisation;
  return (
    <Card title={t('result.summaryTitle')} testId="exchange-summary" className="summary-card">
      <DescList
        items={[
          {
            key: 'target',
            label: t('result.target'),
            value: (
              <span data-testid="summary-target">
                {regionName(x.target.regionCode, x.target.name)} <span className="mono muted">{x.target.regionCode}</span>
              </span>
            ),
          },
          { key: 'resource', label: t('result.resource'), value: <span data-testid="summary-resource">{resourceName}</span> },
          { key: 'subject', label: t('result.subject'), value: <span className="mono" data-testid="summary-subject">{x.subjectMasked}</span> },
          { key: 'item', label: t('result.serviceItem'), value: x.purpose.serviceItem },
          { key: 'case', label: t('result.caseId'), value: <span className="mono">{x.purpose.caseId}</span> },
          ...(x.purpose.agreementId ? [{ key: 'agreement', label: t('result.agreementId'), value: <span className="mono">{x.purpose.agreementId}</span> }] : []),
          ...(basis ? [{ key: 'basis', label: t('result.basis'), value: <BasisValue authorisation={basis} /> }] : []),
          { key: 'user', label: t('result.user'), value: `${x.user.name} (${x.user.id})` },
          { key: 'created', label: t('result.createdAt'), value: <Time value={x.createdAt} /> },
          { key: 'completed', label: t('result.completedAt'), value: <Time value={x.completedAt} /> },
          // with a result, route and latency sit in the provenance panel
          ...(x.result ? [] : transportItems(x, t, lang)),
          { key: 'id', label: t('result.messageId'), value: <span className="mono small break">{x.messageId}</span> },
        ]}
      />
    </Card>
  );
}

export function ExchangeResultPage() {
  const { t } = useTranslation();
  const regionName = useRegionName();
  const { messageId = '' } = useParams();
  const location = useLocation();
  const { user } = useSession();
  // the clerk's workbench and partner lists are the clerks'; an auditor reads the exchange and goes back to the log
  const isClerk = user?.roles.includes('clerk') ?? false;
  const navState = location.state as { exchange?: ExchangeView; request?: unknown; from?: string } | null;
  const backToLog = !isClerk || navState?.from === AUDIT_LOG_PATH;
  const seeded = navState?.exchange;
  const initial = seeded?.messageId === messageId ? seeded : undefined;
  // the request as the form sent it (the ID number included), when this page was opened from the form
  const sent = initial ? readDraft(navState?.request) : undefined;

  const load = useCallback((signal: AbortSignal) => fetchExchange(messageId, signal), [messageId]);
  // Shown at once from the navigation when it carried the view; loaded (again) from the server, and
  // polled every 2 s for as long as the exchange is pending.
  const [pollMs, setPollMs] = useState<number | undefined>(initial?.status === 'pending' ? PENDING_POLL_MS : undefined);
  const res = useResource(load, pollMs);
  const x = res.data ?? initial;
  useEffect(() => {
    setPollMs(x?.status === 'pending' ? PENDING_POLL_MS : undefined);
  }, [x?.status]);

  // labels from the partner's list, or from this node's copy of the directory while the partner is offline
  const fieldDefs = usePartnerResource(x?.target.regionCode ?? '', x?.resource ?? '', isClerk).fields;

  // After a refusal the way back brings the request to the form, filled in as it was sent (or, opened
  // from the recent list, all the stored exchange tells: everything but the ID number).
  const draft: ExchangeDraft | undefined = x?.status === 'failed' ? (sent ?? draftOfView(x)) : undefined;
  const backState: ExchangeFormState | undefined = draft ? { draft } : undefined;
  const focus = draft && !draft.idNumber ? 'idNumber' : focusForError(x?.error?.code);
  const editState: ExchangeFormState | undefined = draft ? { draft, ...(focus ? { focus } : {}) } : undefined;

  let content: ReactNode;
  if (!x) {
    content = res.error ? <ErrorPanel title={t('result.loadFailed')} error={res.error} onRetry={res.reload} /> : <Loading lines={6} />;
  } else {
    content = (
      <>
        <StatusBanner x={x} fieldDefs={fieldDefs} />
        {res.error && <ErrorPanel title={t('result.refreshFailed')} error={res.error} onRetry={res.reload} />}
        <div className="result-layout">
          <div className="result-layout__main">
            {x.status === 'completed' && x.result && (
              <Card
                title={t('result.recordTitle')}
                icon="document"
                actions={<span className="muted small">{t('result.fieldCount', { n: Object.keys(x.result.record).length })}</span>}
                flush
                testId="record-card"
                className="record-card"
              >
                <RecordTable x={x} fieldDefs={fieldDefs} />
              </Card>
            )}
            {x.status === 'pending' && (
              <Card title={t('result.recordTitle')} testId="record-card" className="record-card">
                <div className="waiting" data-testid="waiting">
                  <span className="waiting__spinner" aria-hidden="true" />
                  <span>{t('result.waiting')}</span>
                </div>
              </Card>
            )}
            <SummaryCard x={x} isClerk={isClerk} />
          </div>
          <div className="result-layout__side">
            {x.status === 'completed' && x.result && <ProvenancePanel x={x} />}
            {x.status === 'completed' && x.result && <EvidenceCard x={x} />}
            {x.status === 'pending' && (
              <Card title={t('result.provenanceTitle')} testId="provenance-panel" className="provenance">
                <p className="muted">{t('result.provenancePending')}</p>
              </Card>
            )}
            {x.status === 'failed' && isClerk && (
              <Card title={t('result.adviceTitle')} testId="advice" className="advice-card">
                <p className="prose">{adviceFor(x.error?.code, t)}</p>
                <div className="advice-card__actions">
                  <Link to="/exchange" state={editState} className="btn btn--primary" data-testid="edit-and-retry">
                    <Icon name="refresh" size={15} /> {t('result.editAndRetry')}
                  </Link>
                  <span className="muted small">{draft?.idNumber ? t('result.editAndRetryHint') : t('result.editAndRetryNoId')}</span>
                </div>
              </Card>
            )}
          </div>
        </div>
      </>
    );
  }

  return (
    <div className="page" data-testid="page-exchange-result" data-status={x?.status ?? 'loading'}>
      <div className="page-head">
        <div className="page-head__text">
          {backToLog ? (
            <Link to={AUDIT_LOG_PATH} className="back-link" data-testid="back-to-audit-log">
              <Icon name="arrowLeft" size={14} /> {t('result.backToAuditLog')}
            </Link>
          ) : (
            <Link to="/exchange" state={backState} className="back-link" data-testid="back-to-exchange">
              <Icon name="arrowLeft" size={14} /> {t('result.back')}
            </Link>
          )}
          <h1 className="page-head__title">
            {t('result.title')} {x && <StatusTag status={x.status} />}
          </h1>
          {x && (
            <p className="page-head__subtitle">
              {regionName(x.target.regionCode, x.target.name)} · {x.purpose.serviceItem} · {t('exchange.recent.case', { caseId: x.purpose.caseId })}
            </p>
          )}
        </div>
      </div>
      {content}
    </div>
  );
}
