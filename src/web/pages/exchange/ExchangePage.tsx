// 跨省调阅 / Cross-province request: the window clerk asks another region for a citizen's record,
// bound to a case and a service item, with the citizen's authorisation or a legal basis. Everything that
// can be checked before sending is checked here (ID number check digit, required purpose, at least one
// field, a basis for sensitive fields); the provider checks the rest and its refusals come back with
// their vocabulary code.
import { useEffect, useMemo, useRef, useState } from 'react';
import type { FormEvent, ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation, useNavigate } from 'react-router';
import { ApiError } from '../../api';
import { Icon } from '../../components/Icon';
import { Banner, Card, ErrorPanel, FieldError, FormSection, Loading, Tag, useMessageText } from '../../components/ui';
import type { Message } from '../../components/ui';
import { useRegionName } from '../../catalog/labels';
import { fetchEntries } from '../../catalog/api';
import { fetchPartners, fetchServiceItems, submitExchange } from '../../exchange/api';
import type { ExchangeInput, Partner, ResourceDef } from '../../exchange/api';
import { draftOfInput, readFormState } from '../../exchange/draft';
import type { AuthorisationType } from '../../exchange/draft';
import { checkIdNumber } from '../../exchange/idNumber';
import type { IdNumberCheck } from '../../exchange/idNumber';
import { useIdProblemText } from '../../exchange/idNumberText';
import { rankServiceItems, resourcesByItem } from '../../exchange/serviceItems';
import { pick, useLang } from '../../i18n';
import { useNodeInfo } from '../../nodeInfo';
import { useSession } from '../../session';
import { useResource } from '../../useResource';
import { PageHeader } from '../shared';
import { RecentExchanges } from './RecentExchanges';
import { RouteTag, usePartnerResources } from './shared';

type FieldKey = 'target' | 'resource' | 'fields' | 'idNumber' | 'serviceItem' | 'caseId' | 'consent' | 'consentReference' | 'statutoryReference';

/** This node's catalogue of items, for which resources each item's materials are read from. */
const loadItemEntries = (signal: AbortSignal) => fetchEntries('item', signal);
/** suggestion chips shown under the service item */
const CHIPS = 4;

/** The basis the request is sent on (step 4): none, the applicant's consent, or a legal basis (法定依据). */
type Basis = 'none' | AuthorisationType;
const BASES: readonly Basis[] = ['none', 'citizen-consent', 'statutory'];

/** What a resource starts with ticked: its general fields. A sensitive one is the clerk's choice (最小必要), and needs the applicant's authorisation or a legal basis. */
function defaultFields(resource: ResourceDef): string[] {
  return resource.fields.filter((f) => f.sensitivity !== 'sensitive').map((f) => f.name);
}

function PartnerPicker({ partners, value, onChange }: { partners: Partner[]; value: string; onChange: (code: string) => void }) {
  const { t } = useTranslation();
  const regionName = useRegionName();
  return (
    <div className="partner-grid" role="radiogroup" aria-label={t('exchange.form.target')} data-testid="partner-picker">
      {partners.map((p) => {
        const selected = p.regionCode === value;
        return (
          <label key={p.regionCode} className={selected ? 'partner is-selected' : 'partner'} data-testid={`partner-option-${p.regionCode}`} data-online={p.online === null ? 'unknown' : String(p.online)}>
            <input type="radio" name="target" value={p.regionCode} checked={selected} onChange={() => onChange(p.regionCode)} className="partner__radio" />
            <span className="partner__name">{regionName(p.regionCode, p.name)}</span>
            <span className="partner__code mono">{p.regionCode}</span>
            <span className="partner__meta">
              <RouteTag route={p.route} />
              <span className={p.online === false ? 'partner__online is-off' : p.online ? 'partner__online is-on' : 'partner__online'}>
                <span className="partner__dot" aria-hidden="true" />
                {p.online === true ? t('member.online') : p.online === false ? t('member.offline') : t('member.onlineUnknown')}
              </span>
            </span>
          </label>
        );
      })}
    </div>
  );
}

/** Step 4: the basis of the request, one of three (radio buttons in the consent row's style). */
function BasisPicker({ value, onChange }: { value: Basis; onChange: (b: Basis) => void }) {
  const { t } = useTranslation();
  const text: Record<Basis, { title: string; hint: string }> = {
    none: { title: t('exchange.form.basisNone'), hint: t('exchange.form.basisNoneHint') },
    'citizen-consent': { title: t('exchange.form.consent'), hint: t('exchange.form.consentHint') },
    statutory: { title: t('exchange.form.statutory'), hint: t('exchange.form.statutoryHint') },
  };
  return (
    <div className="basis" role="radiogroup" aria-label={t('exchange.form.basis')} data-testid="basis-picker" data-value={value}>
      {BASES.map((b) => {
        const selected = b === value;
        return (
          <label key={b} className={selected ? (b === 'none' ? 'consent is-selected' : 'consent is-checked') : 'consent'} data-testid={`basis-option-${b}`}>
            <input
              type="radio"
              name="basis"
              value={b}
              checked={selected}
              onChange={() => onChange(b)}
              data-testid={`basis-${b}`}
              // the part of the form a refusal for want of authorisation brings the clerk to
              {...(selected ? { 'data-field': 'consent' } : {})}
            />
            <span>
              <span className="consent__title">{text[b].title}</span>
              <span className="consent__hint">{text[b].hint}</span>
            </span>
          </label>
        );
      })}
    </div>
  );
}

/** The reference a basis needs (the consent form's number, the law and article): required, at most 128 characters. */
function ReferenceInput(p: {
  id: string;
  field: string;
  testId: string;
  label: string;
  placeholder: string;
  hint?: string;
  mono?: boolean;
  value: string;
  error: Message | undefined;
  onChange: (value: string) => void;
}) {
  return (
    <div className="field">
      <label className="field__label" htmlFor={p.id}>
        {p.label} <span className="req">*</span>
      </label>
      <input
        id={p.id}
        className={p.mono ? 'input mono' : 'input'}
        value={p.value}
        placeholder={p.placeholder}
        data-field={p.field}
        data-testid={p.testId}
        maxLength={128}
        aria-invalid={Boolean(p.error)}
        {...(p.hint ? { 'aria-describedby': `${p.id}-hint` } : {})}
        onChange={(e) => p.onChange(e.target.value)}
      />
      <FieldError message={p.error} id={`err-${p.field}`} />
      {p.hint && (
        <p className="form-hint" id={`${p.id}-hint`}>
          {p.hint}
        </p>
      )}
    </div>
  );
}

function IdStatus({ check, touched }: { check: IdNumberCheck; touched: boolean }) {
  const { t } = useTranslation();
  const problemText = useIdProblemText();
  if (check.ok) {
    return (
      <span className="id-status id-status--ok" data-testid="id-number-status" data-valid="true">
        <Icon name="check" size={14} /> {t('exchange.id.valid', { birthDate: check.birthDate })}
      </span>
    );
  }
  if (check.problem === 'empty' || (!touched && check.problem === 'length')) {
    return (
      <span className="id-status" data-testid="id-number-status" data-valid="false">
        {t('exchange.id.hint')}
      </span>
    );
  }
  return (
    <span className="id-status id-status--error" data-testid="id-number-status" data-valid="false" data-problem={check.problem} role="alert">
      <Icon name="error" size={14} /> {problemText(check)}
    </span>
  );
}

export function ExchangePage() {
  const { t } = useTranslation();
  const messageText = useMessageText();
  const lang = useLang();
  const navigate = useNavigate();
  const location = useLocation();
  const { user } = useSession();
  const regionName = useRegionName();

  const partners = useResource(fetchPartners);
  const items = useResource(fetchServiceItems);
  const itemEntries = useResource(loadItemEntries);
  const ownRegion = useNodeInfo().data?.regionCode;

  // a request brought back from its result (the way back, "edit and request again"): the form starts from it
  const [restored] = useState(() => readFormState(location.state));
  const draft = restored?.draft;
  const [target, setTarget] = useState(draft?.target ?? '');
  const [resourceId, setResourceId] = useState(draft?.resource ?? '');
  const [fields, setFields] = useState<string[]>(draft?.fields ?? []);
  // the region and resource the ticked fields belong to: another one starts from its own defaults
  const [fieldsFor, setFieldsFor] = useState(draft ? `${draft.target}/${draft.resource}` : '');
  const [showRestored, setShowRestored] = useState(Boolean(draft));
  const [idNumber, setIdNumber] = useState(draft?.idNumber ?? '');
  const [idTouched, setIdTouched] = useState(Boolean(draft?.idNumber));
  const [serviceItem, setServiceItem] = useState(draft?.purpose.serviceItem ?? '');
  const [caseId, setCaseId] = useState(draft?.purpose.caseId ?? '');
  const [agreementId, setAgreementId] = useState(draft?.purpose.agreementId ?? '');
  const [basis, setBasis] = useState<Basis>(draft?.authorisation?.type ?? 'none');
  // one reference per basis: a consent number is not a law, and switching back keeps what was typed
  const [consentRef, setConsentRef] = useState(draft?.authorisation?.type === 'citizen-consent' ? draft.authorisation.reference : '');
  const [statutoryRef, setStatutoryRef] = useState(draft?.authorisation?.type === 'statutory' ? draft.authorisation.reference : '');
  // kept as messages, not text: a problem raised in one language reads in the other after a switch
  const [errors, setErrors] = useState<Partial<Record<FieldKey, Message>>>({});
  const [submitError, setSubmitError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);

  const resources = usePartnerResources(target || undefined);
  const resource: ResourceDef | undefined = resources.resources?.find((r) => r.id === resourceId);
  const idCheck = useMemo(() => checkIdNumber(idNumber), [idNumber]);
  const partner = partners.data?.find((p) => p.regionCode === target);
  const chosenFields = resource ? resource.fields.filter((f) => fields.includes(f.name)) : [];
  const sensitiveChosen = chosenFields.filter((f) => f.sensitivity === 'sensitive');
  const sensitiveLabels = sensitiveChosen.map((f) => pick(f.label, lang)).join(t('common.listSep'));
  // the items whose materials this node's 实施清单 reads from the chosen resource are suggested first
  const itemUses = useMemo(() => (itemEntries.data && ownRegion ? resourcesByItem(itemEntries.data, ownRegion) : undefined), [itemEntries.data, ownRegion]);
  const suggested = useMemo(
    () => rankServiceItems(items.data ?? [], itemUses, resource ? { region: target, id: resource.id } : undefined),
    [items.data, itemUses, resource, target],
  );
  const forResource = suggested.filter((s) => s.usesResource);
  const chips = (forResource.length > 0 ? forResource : suggested).slice(0, CHIPS);

  // No region is chosen for the clerk (a request sent to the wrong province is not undone), except when
  // there is only one; a region brought back that is no longer a partner is dropped.
  useEffect(() => {
    const list = partners.data;
    if (!list) return;
    if (target && !list.some((p) => p.regionCode === target)) setTarget('');
    else if (!target && list.length === 1) setTarget(list[0]!.regionCode);
  }, [partners.data, target]);

  // a new partner: its first citizen resource; a new resource: its general fields (sensitive ones are
  // ticked by the clerk, who then needs the applicant's authorisation: 最小必要)
  useEffect(() => {
    const list = resources.resources;
    if (!list) return;
    if (!list.some((r) => r.id === resourceId)) setResourceId(list.find((r) => r.subjectType === 'citizen')?.id ?? '');
  }, [resources.resources, resourceId]);
  useEffect(() => {
    if (!resource || fieldsFor === `${target}/${resource.id}`) return;
    setFields(defaultFields(resource));
    setFieldsFor(`${target}/${resource.id}`);
  }, [resource, target, fieldsFor]);

  // "edit and request again": the part of the request the refusal was about, once the form shows it
  const focusPending = useRef(restored?.focus);
  useEffect(() => {
    const key = focusPending.current;
    if (!key) return;
    const el = formRef.current?.querySelector<HTMLElement>(`[data-field="${key}"]`);
    if (!el) return;
    focusPending.current = undefined;
    el.scrollIntoView({ block: 'center' });
    el.focus();
  }, [resource, partners.data]);

  const setError = (key: FieldKey, message: Message | undefined) => setErrors((e) => ({ ...e, [key]: message }));

  const validate = (): Partial<Record<FieldKey, Message>> => {
    const e: Partial<Record<FieldKey, Message>> = {};
    if (!target) e.target = { key: 'exchange.form.targetRequired' };
    if (target && !resource) e.resource = { key: 'exchange.form.resourceRequired' };
    if (resource && chosenFields.length === 0) e.fields = { key: 'exchange.form.fieldsRequired' };
    // the provider refuses sensitive fields without the applicant's authorisation or a legal basis (E_NEEDS_AUTHORISATION): said here, before a round trip
    // (the fields are named where it is shown, by their labels in the page's language)
    else if (sensitiveChosen.length > 0 && basis === 'none') {
      e.fields = { key: 'exchange.form.sensitiveNeedsConsent' };
      e.consent = { key: 'exchange.form.consentForSensitive' };
    }
    if (!idCheck.ok) e.idNumber = { key: idCheck.problem === 'empty' ? 'exchange.id.empty' : 'exchange.id.invalid' };
    if (!serviceItem.trim()) e.serviceItem = { key: 'exchange.form.serviceItemRequired' };
    if (!caseId.trim()) e.caseId = { key: 'exchange.form.caseIdRequired' };
    if (basis === 'citizen-consent' && !consentRef.trim()) e.consentReference = { key: 'exchange.form.consentReferenceRequired' };
    if (basis === 'statutory' && !statutoryRef.trim()) e.statutoryReference = { key: 'exchange.form.statutoryReferenceRequired' };
    return e;
  };

  const onSubmit = async (ev: FormEvent) => {
    ev.preventDefault();
    setIdTouched(true);
    const e = validate();
    setErrors(e);
    setSubmitError(null);
    const first = Object.keys(e)[0];
    if (first) {
      formRef.current?.querySelector<HTMLElement>(`[data-field="${first}"]`)?.focus();
      return;
    }
    const input: ExchangeInput = {
      target,
      resource: resourceId,
      subject: { type: 'citizen', idNumber: idCheck.ok ? idCheck.value : idNumber },
      // in the resource's order, and only its own (a request brought back may name fields it no longer has)
      fields: resource ? resource.fields.map((f) => f.name).filter((f) => fields.includes(f)) : fields,
      purpose: { serviceItem: serviceItem.trim(), caseId: caseId.trim(), ...(agreementId.trim() ? { agreementId: agreementId.trim() } : {}) },
      ...(basis === 'citizen-consent' ? { authorisation: { type: basis, reference: consentRef.trim() } } : {}),
      ...(basis === 'statutory' ? { authorisation: { type: basis, reference: statutoryRef.trim() } } : {}),
    };
    setBusy(true);
    try {
      const view = await submitExchange(input);
      // the request goes along (in history state, not the URL), so the result page can bring it back to this form
      navigate(`/exchange/${encodeURIComponent(view.messageId)}`, { state: { exchange: view, request: draftOfInput(input) } });
    } catch (err) {
      setSubmitError(err instanceof ApiError ? err : new ApiError({ kind: 'network', message: String(err) }));
      setBusy(false);
    }
  };

  const onReset = () => {
    setIdNumber('');
    setIdTouched(false);
    setServiceItem('');
    setCaseId('');
    setAgreementId('');
    setBasis('none');
    setConsentRef('');
    setStatutoryRef('');
    setErrors({});
    setSubmitError(null);
    setShowRestored(false);
    if (resource) setFields(defaultFields(resource));
  };

  const toggleField = (name: string) => {
    setFields((cur) => (cur.includes(name) ? cur.filter((f) => f !== name) : resource ? resource.fields.map((f) => f.name).filter((f) => f === name || cur.includes(f)) : [...cur, name]));
    setErrors((e) => ({ ...e, fields: undefined, consent: undefined }));
  };
  const allSelected = resource ? chosenFields.length === resource.fields.length : false;
  const untickSensitive = () => {
    setFields((cur) => cur.filter((name) => !sensitiveChosen.some((f) => f.name === name)));
    setErrors((e) => ({ ...e, fields: undefined, consent: undefined }));
  };

  let targetBody: ReactNode;
  if (partners.loading) targetBody = <Loading lines={2} />;
  else if (partners.error && !partners.data) targetBody = <ErrorPanel title={t('exchange.form.partnersFailed')} error={partners.error} onRetry={partners.reload} />;
  else if (partners.data && partners.data.length === 0) targetBody = <p className="muted">{t('exchange.form.noPartners')}</p>;
  else
    targetBody = (
      <>
        {!target && (
          <p className="form-hint partner-prompt" data-testid="partner-prompt">
            {t('exchange.form.targetChoose')}
          </p>
        )}
        <PartnerPicker
          partners={partners.data ?? []}
          value={target}
          onChange={(code) => {
            setTarget(code);
            setError('target', undefined);
          }}
        />
      </>
    );

  return (
    <div className="page" data-testid="page-exchange">
      <PageHeader title={t('exchange.title')} subtitle={t('exchange.subtitle')} />
      <div className="exchange-layout">
        <form ref={formRef} className="card exchange-form" onSubmit={onSubmit} noValidate data-testid="exchange-form">
          <header className="card__head">
            <h2 className="card__title">{t('exchange.form.title')}</h2>
            {user && (
              <span className="muted small exchange-form__actor" title={user.department}>
                {t('exchange.form.actor', { name: user.name, department: user.department })}
              </span>
            )}
          </header>
          <div className="card__body exchange-form__body">
            {draft && showRestored && (
              <Banner tone="info" title={t('exchange.form.restoredTitle')} testId="form-restored" attrs={{ 'data-region': draft.target, 'data-with-id': String(Boolean(draft.idNumber)) }}>
                {draft.idNumber ? t('exchange.form.restoredBody') : t('exchange.form.restoredNoId')}
              </Banner>
            )}
            <FormSection step={1} title={t('exchange.form.sectionTarget')} testId="section-target">
              <div className="field" data-field="target" tabIndex={-1}>
                <span className="field__label">{t('exchange.form.target')}</span>
                {targetBody}
                <FieldError message={errors.target} id="err-target" />
              </div>
              <div className="field">
                <label className="field__label" htmlFor="resource">
                  {t('exchange.form.resource')}
                </label>
                {!target ? (
                  <select id="resource" className="input select" value="" disabled data-testid="resource-select">
                    <option value="">{t('exchange.form.resourceAfterTarget')}</option>
                  </select>
                ) : resources.loading ? (
                  <Loading lines={1} />
                ) : resources.error ? (
                  <ErrorPanel title={t('exchange.form.resourcesFailed', { region: regionName(target, partner?.name) })} error={resources.error} />
                ) : (
                  <select
                    id="resource"
                    className="input select"
                    value={resourceId}
                    data-field="resource"
                    data-testid="resource-select"
                    aria-invalid={Boolean(errors.resource)}
                    onChange={(e) => {
                      setResourceId(e.target.value);
                      setError('resource', undefined);
                    }}
                    disabled={!resources.resources}
                  >
                    {!resources.resources?.length && <option value="">{t('exchange.form.noResources')}</option>}
                    {resources.resources?.map((r) => (
                      <option key={r.id} value={r.id} disabled={r.subjectType !== 'citizen'}>
                        {pick(r.name, lang)} — {r.department}
                        {r.subjectType !== 'citizen' ? ` (${t('exchange.form.enterpriseLater')})` : ''}
                      </option>
                    ))}
                  </select>
                )}
                <FieldError message={errors.resource} id="err-resource" />
                {resource && (
                  <p className="resource-meta" data-testid="resource-meta">
                    <span>
                      <Icon name="database" size={13} /> {resource.department}
                    </span>
                    <span>
                      <Icon name="document" size={13} /> {resource.sourceSystem}
                    </span>
                  </p>
                )}
              </div>
              {resource && (
                <div className="field" data-field="fields" tabIndex={-1}>
                  <div className="field__label field__label--row">
                    <span>
                      {t('exchange.form.fields')} <span className="muted small">{t('exchange.form.fieldsCount', { n: chosenFields.length, total: resource.fields.length })}</span>
                    </span>
                    <button type="button" className="link-button" onClick={() => {
                        setFields(allSelected ? [] : resource.fields.map((f) => f.name));
                        setErrors((e) => ({ ...e, fields: undefined, consent: undefined }));
                      }} data-testid="fields-toggle-all">
                      {allSelected ? t('exchange.form.selectNone') : t('exchange.form.selectAll')}
                    </button>
                  </div>
                  <div className="checks-grid" data-testid="field-checkboxes">
                    {resource.fields.map((f) => (
                      <label key={f.name} className={fields.includes(f.name) ? 'check is-checked' : 'check'}>
                        <input type="checkbox" checked={fields.includes(f.name)} onChange={() => toggleField(f.name)} data-testid={`field-checkbox-${f.name}`} />
                        <span className="check__label">{pick(f.label, lang)}</span>
                        {f.sensitivity === 'sensitive' && (
                          <Tag tone="warn" dot={false} title={t('exchange.form.sensitiveHint')}>
                            {t('exchange.form.sensitive')}
                          </Tag>
                        )}
                      </label>
                    ))}
                  </div>
                  {sensitiveChosen.length > 0 && basis === 'none' ? (
                    // sensitive fields without the applicant's authorisation or a legal basis: said as they are ticked, and the request is not sent
                    <div className={errors.fields ? 'sensitive-note is-error' : 'sensitive-note'} id="err-fields" role={errors.fields ? 'alert' : undefined} data-testid="sensitive-note" data-blocking={String(Boolean(errors.fields))}>
                      <Icon name={errors.fields ? 'error' : 'alert'} size={14} className="sensitive-note__icon" />
                      <span className="sensitive-note__text">
                        {errors.fields ? messageText(errors.fields, { fields: sensitiveLabels }) : t('exchange.form.sensitiveNote', { fields: sensitiveLabels })}
                      </span>
                      <button type="button" className="link-button" onClick={untickSensitive} data-testid="untick-sensitive">
                        {t('exchange.form.untickSensitive')}
                      </button>
                    </div>
                  ) : (
                    <FieldError message={errors.fields} id="err-fields" />
                  )}
                  <p className="form-hint">{t('exchange.form.fieldsHint')}</p>
                </div>
              )}
            </FormSection>

            <FormSection step={2} title={t('exchange.form.sectionSubject')} testId="section-subject">
              <div className="field">
                <label className="field__label" htmlFor="idNumber">
                  {t('exchange.form.idNumber')} <span className="req">*</span>
                </label>
                <input
                  id="idNumber"
                  className={`input mono id-input${idTouched && !idCheck.ok && idCheck.problem !== 'empty' ? ' is-invalid' : idCheck.ok ? ' is-valid' : ''}`}
                  value={idNumber}
                  inputMode="text"
                  autoComplete="off"
                  spellCheck={false}
                  maxLength={22}
                  placeholder={t('exchange.form.idNumberPlaceholder')}
                  data-field="idNumber"
                  data-testid="id-number"
                  aria-invalid={Boolean(errors.idNumber)}
                  aria-describedby="id-number-status"
                  onChange={(e) => {
                    setIdNumber(e.target.value.toUpperCase());
                    setError('idNumber', undefined);
                    if (e.target.value.replace(/\s/g, '').length >= 18) setIdTouched(true);
                  }}
                  onBlur={() => idNumber && setIdTouched(true)}
                />
                <span id="id-number-status">
                  <IdStatus check={idCheck} touched={idTouched} />
                </span>
                {/* a malformed number is explained by the status line above; only a missing one needs saying */}
                <FieldError message={!idCheck.ok && idCheck.problem === 'empty' ? errors.idNumber : undefined} id="err-idNumber" />
              </div>
            </FormSection>

            <FormSection step={3} title={t('exchange.form.sectionPurpose')} hint={t('exchange.form.purposeHint')} testId="section-purpose">
              <div className="field">
                <label className="field__label" htmlFor="serviceItem">
                  {t('exchange.form.serviceItem')} <span className="req">*</span>
                </label>
                <input
                  id="serviceItem"
                  className="input"
                  list="service-items"
                  value={serviceItem}
                  placeholder={t('exchange.form.serviceItemPlaceholder')}
                  data-field="serviceItem"
                  data-testid="service-item"
                  maxLength={200}
                  aria-invalid={Boolean(errors.serviceItem)}
                  onChange={(e) => {
                    setServiceItem(e.target.value);
                    setError('serviceItem', undefined);
                  }}
                />
                <datalist id="service-items" data-testid="service-item-options">
                  {suggested.map(({ item: it, usesResource }) => (
                    <option key={it.code} value={it.name} data-uses-resource={String(usesResource)}>
                      {usesResource ? `${it.department} · ${t('exchange.form.itemUsesResource')}` : it.department}
                    </option>
                  ))}
                </datalist>
                <FieldError message={errors.serviceItem} id="err-serviceItem" />
                {chips.length > 0 && !serviceItem && (
                  <div
                    className="chips"
                    aria-label={forResource.length > 0 && resource ? t('exchange.form.suggestionsForResource', { resource: pick(resource.name, lang) }) : t('exchange.form.suggestions')}
                    data-testid="service-item-suggestions"
                    data-for-resource={String(forResource.length > 0)}
                  >
                    {forResource.length > 0 && resource && (
                      <span className="chips__label">{t('exchange.form.suggestionsForResource', { resource: pick(resource.name, lang) })}</span>
                    )}
                    {chips.map(({ item: it, usesResource }) => (
                      <button
                        type="button"
                        className="chip"
                        key={it.code}
                        title={it.department}
                        onClick={() => setServiceItem(it.name)}
                        data-testid={`service-item-chip-${it.code}`}
                        data-uses-resource={String(usesResource)}
                      >
                        {it.name}
                      </button>
                    ))}
                  </div>
                )}
              </div>
              <div className="field-row">
                <div className="field">
                  <label className="field__label" htmlFor="caseId">
                    {t('exchange.form.caseId')} <span className="req">*</span>
                  </label>
                  <input
                    id="caseId"
                    className="input mono"
                    value={caseId}
                    placeholder={t('exchange.form.caseIdPlaceholder')}
                    data-field="caseId"
                    data-testid="case-id"
                    maxLength={64}
                    aria-invalid={Boolean(errors.caseId)}
                    onChange={(e) => {
                      setCaseId(e.target.value);
                      setError('caseId', undefined);
                    }}
                  />
                  <FieldError message={errors.caseId} id="err-caseId" />
                </div>
                <div className="field">
                  <label className="field__label" htmlFor="agreementId">
                    {t('exchange.form.agreementId')} <span className="muted small">{t('exchange.form.optional')}</span>
                  </label>
                  <input
                    id="agreementId"
                    className="input mono"
                    value={agreementId}
                    placeholder={t('exchange.form.agreementIdPlaceholder')}
                    data-testid="agreement-id"
                    maxLength={64}
                    onChange={(e) => setAgreementId(e.target.value)}
                  />
                </div>
              </div>
            </FormSection>

            <FormSection step={4} title={t('exchange.form.sectionConsent')} hint={t('exchange.form.basisHint')} testId="section-consent">
              <BasisPicker
                value={basis}
                onChange={(b) => {
                  setBasis(b);
                  setErrors((er) => ({ ...er, consent: undefined, consentReference: undefined, statutoryReference: undefined, ...(b !== 'none' && sensitiveChosen.length > 0 ? { fields: undefined } : {}) }));
                }}
              />
              <FieldError message={errors.consent} id="err-consent" />
              {basis === 'citizen-consent' && (
                <ReferenceInput
                  id="consentRef"
                  field="consentReference"
                  testId="consent-reference"
                  mono
                  label={t('exchange.form.consentReference')}
                  placeholder={t('exchange.form.consentReferencePlaceholder')}
                  value={consentRef}
                  error={errors.consentReference}
                  onChange={(v) => {
                    setConsentRef(v);
                    setError('consentReference', undefined);
                  }}
                />
              )}
              {basis === 'statutory' && (
                <ReferenceInput
                  id="statutoryRef"
                  field="statutoryReference"
                  testId="statutory-reference"
                  label={t('exchange.form.statutoryReference')}
                  placeholder={t('exchange.form.statutoryReferencePlaceholder')}
                  hint={t('exchange.form.statutoryReferenceHint')}
                  value={statutoryRef}
                  error={errors.statutoryReference}
                  onChange={(v) => {
                    setStatutoryRef(v);
                    setError('statutoryReference', undefined);
                  }}
                />
              )}
            </FormSection>

            {submitError && (
              <div data-testid="form-error" data-code={submitError.code ?? ''}>
                <ErrorPanel title={t('exchange.form.submitFailed')} error={submitError} />
                {submitError.detail !== undefined && submitError.detail !== null && (
                  <p className="muted small form-error__detail">{String(submitError.detail)}</p>
                )}
              </div>
            )}
            {Object.values(errors).some(Boolean) && !submitError && (
              <Banner tone="warn" title={t('exchange.form.fixErrors')} testId="form-invalid" />
            )}
          </div>
          <footer className="form-actions">
            <p className="form-actions__summary muted small">
              {partner && resource
                ? t('exchange.form.summary', { region: regionName(partner.regionCode, partner.name), resource: pick(resource.name, lang), n: chosenFields.length })
                : t('exchange.form.summaryEmpty')}
            </p>
            <div className="form-actions__buttons">
              <button type="button" className="btn" onClick={onReset} disabled={busy}>
                {t('exchange.form.reset')}
              </button>
              <button type="submit" className="btn btn--primary" disabled={busy} data-testid="submit-request">
                <Icon name="send" size={15} className={busy ? 'spin' : undefined} />
                {busy ? t('exchange.form.submitting') : t('exchange.form.submit')}
              </button>
            </div>
          </footer>
        </form>
        <aside className="exchange-aside">
          <RecentExchanges />
          <Card title={t('exchange.guide.title')} className="guide">
            <ol className="guide__list">
              <li>{t('exchange.guide.step1')}</li>
              <li>{t('exchange.guide.step2')}</li>
              <li>{t('exchange.guide.step3')}</li>
            </ol>
            <p className="hint">{t('exchange.guide.accountable')}</p>
          </Card>
        </aside>
      </div>
    </div>
  );
}
