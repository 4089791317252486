// 编辑数据资源 / Data resource form (admin): basic facts, the fields table with a picker of standard data
// elements, sharing type with its condition or legal basis, classification and grade, update cycle,
// sharing methods and source. The catalogue checks everything and answers with every problem and the
// path of the field it names; each problem is shown next to that field (and all of them above the form).
// Saving keeps a draft; "save and submit" also sends it for review.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { ApiError } from '../../api';
import { Icon } from '../../components/Icon';
import { Banner, ErrorPanel, FormSection, Loading } from '../../components/ui';
import { CATALOG_TIERS, DATA_GRADES, fetchElements, fetchEntry, problemsOf, saveResource, SHARING_METHODS, SHARING_TYPES, UPDATE_CYCLES, workflowStep } from '../../catalog/api';
import type { DataElement, Problem, ResourceDoc, ResourceField, ResourceInput, SharingMethod } from '../../catalog/api';
import { pick } from '../../catalog/labels';
import { useLang } from '../../i18n';
import { useResource } from '../../useResource';
import { PageHeader } from '../shared';
import { consoleEntryPath } from './CatalogListPage';

const CATEGORIES = ['人口', '法人', '社会信用', '电子证照', '自然资源和空间地理', '社会保障', '医疗健康', '教育', '婚姻登记'];

function emptyField(): ResourceField {
  return { name: '', element: '', label: { zh: '', en: '' }, sensitivity: 'general' };
}

function emptyResource(department: string): ResourceInput {
  return {
    id: '',
    name: { zh: '', en: '' },
    summary: '',
    department: { name: department, code: '' },
    subjectType: 'citizen',
    fields: [emptyField()],
    sharing: { type: 'conditional', condition: '', methods: ['online-query'] },
    classification: { tier: 'basic', category: '', grade: 'general' },
    updateCycle: 'daily',
    source: { adapter: '', system: '' },
  };
}

/** The editable part of a stored version (the catalogue adds version, status and times). */
function inputOf(doc: ResourceDoc): ResourceInput {
  return {
    id: doc.id,
    name: { ...doc.name },
    summary: doc.summary,
    department: { name: doc.department.name, code: doc.department.code ?? '' },
    subjectType: doc.subjectType,
    fields: doc.fields.map((f) => ({ ...f, label: { ...f.label } })),
    sharing: { type: doc.sharing.type, condition: doc.sharing.condition ?? '', methods: [...doc.sharing.methods] },
    classification: { ...doc.classification },
    updateCycle: doc.updateCycle,
    source: { ...doc.source },
  };
}

/** What goes on the wire: optional members only when given (the schema refuses unknown or empty-object noise). */
function bodyOf(f: ResourceInput): ResourceInput {
  const code = f.department.code?.trim();
  const condition = f.sharing.condition?.trim();
  return {
    id: f.id.trim(),
    name: { zh: f.name.zh.trim(), en: f.name.en.trim() },
    summary: f.summary.trim(),
    department: { name: f.department.name.trim(), ...(code ? { code } : {}) },
    subjectType: f.subjectType,
    fields: f.fields.map((x) => ({ name: x.name.trim(), element: x.element, label: { zh: x.label.zh.trim(), en: x.label.en.trim() }, sensitivity: x.sensitivity })),
    sharing: { type: f.sharing.type, ...(f.sharing.type !== 'unconditional' && condition ? { condition } : {}), methods: f.sharing.methods },
    classification: { tier: f.classification.tier, category: f.classification.category.trim(), grade: f.classification.grade },
    updateCycle: f.updateCycle,
    source: { adapter: f.source.adapter.trim(), system: f.source.system.trim() },
  };
}

function ProblemList({ problems, testId }: { problems: Problem[]; testId: string }) {
  const lang = useLang();
  if (problems.length === 0) return null;
  return (
    <span className="field__problems" data-testid={testId} role="alert">
      {problems.map((p, i) => (
        <span className="field__error" key={i} data-path={p.path}>
          <Icon name="error" size={13} /> {lang === 'en' ? p.message : p.messageZh}
        </span>
      ))}
    </span>
  );
}


function ElementPicker({ value, elements, onChange, invalid, testId, label }: { value: string; elements: DataElement[]; onChange: (e: DataElement | undefined, code: string) => void; invalid: boolean; testId: string; label: string }) {
  const { t } = useTranslation();
  const lang = useLang();
  const groups = useMemo(() => {
    const m = new Map<string, DataElement[]>();
    for (const e of elements) {
      const g = e.origin === 'custom' ? 'custom' : (e.code.split('.')[1] ?? 'OTHER');
      m.set(g, [...(m.get(g) ?? []), e]);
    }
    return [...m.entries()];
  }, [elements]);
  const known = elements.some((e) => e.code === value);
  return (
    <select
      className="input select element-picker"
      value={value}
      aria-label={label}
      aria-invalid={invalid}
      data-testid={testId}
      onChange={(ev) => onChange(elements.find((e) => e.code === ev.target.value), ev.target.value)}
    >
      <option value="">{t('edit.pickElement')}</option>
      {value && !known && <option value={value}>{t('edit.unknownElement', { code: value })}</option>}
      {groups.map(([g, list]) => (
        <optgroup key={g} label={g === 'custom' ? t('edit.customElements') : g}>
          {list.map((e) => (
            <option key={e.code} value={e.code}>
              {pick(e.name, lang)} · {e.code}
              {e.sensitivity === 'sensitive' ? ` · ${t('enums.sensitivity.sensitive')}` : ''}
            </option>
          ))}
        </optgroup>
      ))}
    </select>
  );
}

export function ResourceEditPage() {
  const { t } = useTranslation();
  const lang = useLang();
  const navigate = useNavigate();
  const params = useParams();
  const editingId = params.id ?? null;
  const [savedId, setSavedId] = useState<string | null>(editingId);
  const [form, setForm] = useState<ResourceInput | null>(editingId ? null : emptyResource(''));
  const [problems, setProblems] = useState<Problem[]>([]);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState<'save' | 'submit' | null>(null);
  const [inReview, setInReview] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);

  const elements = useResource(fetchElements);
  const loadEntry = useCallback((signal: AbortSignal) => (editingId ? fetchEntry('resource', editingId, signal) : Promise.resolve(null)), [editingId]);
  const entry = useResource(loadEntry);

  useEffect(() => {
    const e = entry.data;
    if (!e) return;
    const doc = e.working ?? e.published;
    if (doc) setForm(inputOf(doc));
    setInReview(e.status === 'in-review');
  }, [entry.data]);

  const at = (path: string) => problems.filter((p) => p.path === path);
  const under = (prefix: string, shown: string[]) => problems.filter((p) => (p.path === prefix || p.path.startsWith(`${prefix}.`) || p.path.startsWith(`${prefix}[`)) && !shown.includes(p.path));
  const invalid = (path: string) => problems.some((p) => p.path === path);

  const set = (fn: (f: ResourceInput) => ResourceInput) => setForm((f) => (f ? fn(f) : f));
  const setField = (i: number, fn: (x: ResourceField) => ResourceField) => set((f) => ({ ...f, fields: f.fields.map((x, j) => (j === i ? fn(x) : x)) }));

  const focusProblem = (path: string) => {
    const el = formRef.current?.querySelector<HTMLElement>(`[data-path-anchor="${CSS.escape(path)}"]`) ?? formRef.current?.querySelector<HTMLElement>(`[data-path-anchor="${CSS.escape(path.replace(/\.[^.[\]]+$/, ''))}"]`);
    el?.scrollIntoView({ block: 'center' });
    el?.querySelector<HTMLElement>('input, select, textarea')?.focus();
  };

  const onSubmit = async (ev: Pick<FormEvent, 'preventDefault'>, andSubmit: boolean) => {
    ev.preventDefault();
    if (!form) return;
    setBusy(andSubmit ? 'submit' : 'save');
    setError(null);
    setProblems([]);
    let id = savedId;
    try {
      const saved = await saveResource(bodyOf(form), savedId);
      id = saved.id;
      setSavedId(saved.id);
      if (andSubmit) await workflowStep('resource', saved.id, 'submit');
      navigate(consoleEntryPath('resource', saved.id), { state: { done: andSubmit ? 'submit' : 'save' } });
    } catch (e) {
      const err = e instanceof ApiError ? e : new ApiError({ kind: 'network', message: String(e) });
      const list = problemsOf(err);
      setProblems(list);
      setError(err);
      setBusy(null);
      if (id && id !== savedId) setSavedId(id);
      // the first problem's field into view
      requestAnimationFrame(() => {
        if (list[0]) focusProblem(list[0].path);
        else formRef.current?.querySelector('[data-testid="form-problems"]')?.scrollIntoView({ block: 'center' });
      });
    }
  };

  if (editingId && entry.loading) {
    return (
      <div className="page">
        <Loading lines={8} />
      </div>
    );
  }
  if (editingId && entry.error) {
    return (
      <div className="page">
        <ErrorPanel title={t('console.entryFailed')} error={entry.error} onRetry={entry.reload} />
      </div>
    );
  }
  if (!form) return null;

  const s = form.sharing;
  const elementList = elements.data ?? [];
  const fieldCells = (i: number) => [`fields[${i}].name`, `fields[${i}].element`, `fields[${i}].label.zh`, `fields[${i}].label.en`, `fields[${i}].sensitivity`];
  const pathLabel = (path: string): string => {
    const m = /^fields\[(\d+)\](?:\.(.*))?$/.exec(path);
    if (m) return t('edit.fieldRow', { n: Number(m[1]) + 1 }) + (m[2] ? ` · ${m[2]}` : '');
    return path || t('edit.wholeEntry');
  };

  return (
    <div className="page" data-testid="page-resource-edit" data-mode={editingId ? 'edit' : 'create'}>
      <div>
        <Link to={editingId ? consoleEntryPath('resource', editingId) : '/catalog?kind=resources'} className="back-link" data-testid="back-from-edit">
          <Icon name="arrowLeft" size={14} /> {editingId ? t('edit.backToEntry') : t('console.backToList')}
        </Link>
        <PageHeader title={editingId ? t('edit.titleEdit', { name: form.name.zh || editingId }) : t('edit.titleNew')} subtitle={t('edit.subtitle')} />
      </div>
      {inReview && <Banner tone="warn" title={t('edit.inReview')} testId="edit-in-review" />}
      <form ref={formRef} className="card resource-form" noValidate onSubmit={(e) => void onSubmit(e, false)} data-testid="resource-form">
        <div className="card__body">
          {error && (
            <div className="form-problems" data-testid="form-problems" data-count={problems.length} data-code={error.code ?? ''}>
              {problems.length > 0 ? (
                <Banner tone="error" title={t('edit.problemsTitle', { count: problems.length })}>
                  <ul className="problem-list">
                    {problems.map((p, i) => (
                      <li key={i}>
                        <button type="button" className="link-button" onClick={() => focusProblem(p.path)}>
                          {pathLabel(p.path)}
                        </button>
                        : {lang === 'en' ? p.message : p.messageZh}
                      </li>
                    ))}
                  </ul>
                </Banner>
              ) : (
                <ErrorPanel title={t('edit.saveFailed')} error={error} />
              )}
            </div>
          )}

          <FormSection step={1} title={t('edit.sectionBasic')} testId="section-basic">
            <div className="field-row">
              <div className="field" data-path-anchor="id">
                <label className="field__label" htmlFor="res-id">
                  {t('edit.id')} <span className="req">*</span>
                </label>
                <input
                  id="res-id"
                  className="input mono"
                  value={form.id}
                  disabled={Boolean(savedId)}
                  placeholder="hukou.person"
                  maxLength={64}
                  aria-invalid={invalid('id')}
                  onChange={(e) => set((f) => ({ ...f, id: e.target.value }))}
                  data-testid="res-id"
                />
                <span className="form-hint">{savedId ? t('edit.idFixed') : t('edit.idHint')}</span>
                <ProblemList problems={at('id')} testId="problem-id" />
              </div>
              <div className="field" data-path-anchor="subjectType">
                <span className="field__label">{t('edit.subject')}</span>
                <div className="segmented" role="radiogroup" aria-label={t('edit.subject')}>
                  {(['citizen', 'enterprise'] as const).map((v) => (
                    <label key={v} className={form.subjectType === v ? 'segmented__opt is-on' : 'segmented__opt'}>
                      <input type="radio" name="subjectType" checked={form.subjectType === v} onChange={() => set((f) => ({ ...f, subjectType: v }))} />
                      {t(`enums.subject.${v}`)}
                    </label>
                  ))}
                </div>
                <ProblemList problems={at('subjectType')} testId="problem-subjectType" />
              </div>
            </div>
            <div className="field-row">
              <div className="field" data-path-anchor="name.zh">
                <label className="field__label" htmlFor="res-name-zh">
                  {t('edit.nameZh')} <span className="req">*</span>
                </label>
                <input id="res-name-zh" className="input" value={form.name.zh} maxLength={200} aria-invalid={invalid('name.zh')} onChange={(e) => set((f) => ({ ...f, name: { ...f.name, zh: e.target.value } }))} data-testid="res-name-zh" />
                <ProblemList problems={[...at('name.zh'), ...at('name')]} testId="problem-name.zh" />
              </div>
              <div className="field" data-path-anchor="name.en">
                <label className="field__label" htmlFor="res-name-en">
                  {t('edit.nameEn')} <span className="req">*</span>
                </label>
                <input id="res-name-en" className="input" value={form.name.en} maxLength={200} aria-invalid={invalid('name.en')} onChange={(e) => set((f) => ({ ...f, name: { ...f.name, en: e.target.value } }))} data-testid="res-name-en" />
                <ProblemList problems={at('name.en')} testId="problem-name.en" />
              </div>
            </div>
            <div className="field" data-path-anchor="summary">
              <label className="field__label" htmlFor="res-summary">
                {t('edit.summary')} <span className="req">*</span>
              </label>
              <textarea id="res-summary" className="input textarea" rows={3} maxLength={2000} value={form.summary} aria-invalid={invalid('summary')} onChange={(e) => set((f) => ({ ...f, summary: e.target.value }))} data-testid="res-summary" />
              <ProblemList problems={at('summary')} testId="problem-summary" />
            </div>
            <div className="field-row">
              <div className="field" data-path-anchor="department.name">
                <label className="field__label" htmlFor="res-dept">
                  {t('edit.department')} <span className="req">*</span>
                </label>
                <input id="res-dept" className="input" value={form.department.name} maxLength={200} placeholder={t('edit.departmentPlaceholder')} aria-invalid={invalid('department.name')} onChange={(e) => set((f) => ({ ...f, department: { ...f.department, name: e.target.value } }))} data-testid="res-department" />
                <ProblemList problems={[...at('department.name'), ...at('department')]} testId="problem-department.name" />
              </div>
              <div className="field" data-path-anchor="department.code">
                <label className="field__label" htmlFor="res-dept-code">
                  {t('edit.departmentCode')} <span className="muted small">{t('edit.optional')}</span>
                </label>
                <input id="res-dept-code" className="input mono" value={form.department.code ?? ''} maxLength={18} placeholder="11310000002421341X" aria-invalid={invalid('department.code')} onChange={(e) => set((f) => ({ ...f, department: { ...f.department, code: e.target.value.toUpperCase() } }))} data-testid="res-department-code" />
                <ProblemList problems={at('department.code')} testId="problem-department.code" />
              </div>
            </div>
          </FormSection>

          <FormSection step={2} title={t('edit.sectionFields')} hint={t('edit.fieldsHint')} testId="section-fields">
            <div data-path-anchor="fields">
              <ProblemList problems={at('fields')} testId="problem-fields" />
              {elements.error && <ErrorPanel title={t('edit.elementsFailed')} error={elements.error} onRetry={elements.reload} />}
              <div className="field-rows" data-testid="field-rows">
                <div className="field-rows__head" aria-hidden="true">
                  <span>#</span>
                  <span>{t('edit.fieldName')}</span>
                  <span>{t('edit.fieldElement')}</span>
                  <span>{t('edit.fieldLabelZh')}</span>
                  <span>{t('edit.fieldLabelEn')}</span>
                  <span>{t('edit.fieldSensitivity')}</span>
                  <span />
                </div>
                {form.fields.map((x, i) => {
                  const p = `fields[${i}]`;
                  const rest = under(p, fieldCells(i));
                  return (
                    <div className={problems.some((q) => q.path.startsWith(`${p}.`) || q.path === p) ? 'field-row-item has-problem' : 'field-row-item'} key={i} data-testid={`field-row-${i}`}>
                      <span className="field-row-item__no">{i + 1}</span>
                      <div className="cell" data-path-anchor={`${p}.name`}>
                        <span className="cell__label">{t('edit.fieldName')}</span>
                        <input className="input mono" value={x.name} maxLength={64} placeholder="idNumber" aria-label={t('edit.fieldName')} aria-invalid={invalid(`${p}.name`)} onChange={(e) => setField(i, (f) => ({ ...f, name: e.target.value }))} data-testid={`field-${i}-name`} />
                        <ProblemList problems={at(`${p}.name`)} testId={`problem-${p}.name`} />
                      </div>
                      <div className="cell" data-path-anchor={`${p}.element`}>
                        <span className="cell__label">{t('edit.fieldElement')}</span>
                        <ElementPicker
                          value={x.element}
                          elements={elementList}
                          label={t('edit.fieldElement')}
                          invalid={invalid(`${p}.element`)}
                          testId={`field-${i}-element`}
                          onChange={(el, code) =>
                            setField(i, (f) => ({
                              ...f,
                              element: code,
                              // a standard element brings its name and its sensitivity; what was typed stays
                              label: el ? { zh: f.label.zh || el.name.zh, en: f.label.en || el.name.en } : f.label,
                              sensitivity: el?.sensitivity === 'sensitive' ? 'sensitive' : f.sensitivity,
                            }))
                          }
                        />
                        <ProblemList problems={at(`${p}.element`)} testId={`problem-${p}.element`} />
                      </div>
                      <div className="cell" data-path-anchor={`${p}.label.zh`}>
                        <span className="cell__label">{t('edit.fieldLabelZh')}</span>
                        <input className="input" value={x.label.zh} maxLength={200} aria-label={t('edit.fieldLabelZh')} aria-invalid={invalid(`${p}.label.zh`)} onChange={(e) => setField(i, (f) => ({ ...f, label: { ...f.label, zh: e.target.value } }))} data-testid={`field-${i}-label-zh`} />
                        <ProblemList problems={at(`${p}.label.zh`)} testId={`problem-${p}.label.zh`} />
                      </div>
                      <div className="cell" data-path-anchor={`${p}.label.en`}>
                        <span className="cell__label">{t('edit.fieldLabelEn')}</span>
                        <input className="input" value={x.label.en} maxLength={200} aria-label={t('edit.fieldLabelEn')} aria-invalid={invalid(`${p}.label.en`)} onChange={(e) => setField(i, (f) => ({ ...f, label: { ...f.label, en: e.target.value } }))} data-testid={`field-${i}-label-en`} />
                        <ProblemList problems={at(`${p}.label.en`)} testId={`problem-${p}.label.en`} />
                      </div>
                      <div className="cell" data-path-anchor={`${p}.sensitivity`}>
                        <span className="cell__label">{t('edit.fieldSensitivity')}</span>
                        <select className="input select" value={x.sensitivity} aria-label={t('edit.fieldSensitivity')} aria-invalid={invalid(`${p}.sensitivity`)} onChange={(e) => setField(i, (f) => ({ ...f, sensitivity: e.target.value as ResourceField['sensitivity'] }))} data-testid={`field-${i}-sensitivity`}>
                          <option value="general">{t('enums.sensitivity.general')}</option>
                          <option value="sensitive">{t('enums.sensitivity.sensitive')}</option>
                        </select>
                        <ProblemList problems={at(`${p}.sensitivity`)} testId={`problem-${p}.sensitivity`} />
                      </div>
                      <div className="field-row-item__tools">
                        <button type="button" className="icon-btn" title={t('edit.moveUp')} aria-label={t('edit.moveUp')} disabled={i === 0} onClick={() => set((f) => ({ ...f, fields: f.fields.map((y, j) => (j === i - 1 ? f.fields[i]! : j === i ? f.fields[i - 1]! : y)) }))}>
                          ↑
                        </button>
                        <button type="button" className="icon-btn" title={t('edit.removeField')} aria-label={t('edit.removeField')} onClick={() => set((f) => ({ ...f, fields: f.fields.filter((_, j) => j !== i) }))} data-testid={`field-${i}-remove`}>
                          ×
                        </button>
                      </div>
                      {rest.length > 0 && (
                        <div className="field-row-item__rest">
                          <ProblemList problems={rest} testId={`problem-${p}`} />
                        </div>
                      )}
                    </div>
                  );
                })}
              </div>
              <button type="button" className="btn btn--small add-field" onClick={() => set((f) => ({ ...f, fields: [...f.fields, emptyField()] }))} data-testid="add-field">
                + {t('edit.addField')}
              </button>
              <ProblemList problems={under('fields', [...form.fields.flatMap((_, i) => [...fieldCells(i), ...under(`fields[${i}]`, fieldCells(i)).map((q) => q.path)]), 'fields'])} testId="problem-fields-other" />
            </div>
          </FormSection>

          <FormSection step={3} title={t('edit.sectionSharing')} hint={t('edit.sharingHint')} testId="section-sharing">
            <div className="field" data-path-anchor="sharing.type">
              <span className="field__label">{t('edit.sharingType')}</span>
              <div className="choice-grid" role="radiogroup" aria-label={t('edit.sharingType')}>
                {SHARING_TYPES.map((v) => (
                  <label key={v} className={s.type === v ? 'choice is-on' : 'choice'} data-testid={`sharing-${v}`}>
                    <input type="radio" name="sharingType" checked={s.type === v} onChange={() => set((f) => ({ ...f, sharing: { ...f.sharing, type: v } }))} />
                    <span className="choice__title">{t(`enums.sharing.${v}`)}</span>
                    <span className="choice__hint">{t(`resourceCard.sharingExplain.${v}`)}</span>
                  </label>
                ))}
              </div>
              <ProblemList problems={at('sharing.type')} testId="problem-sharing.type" />
            </div>
            {s.type !== 'unconditional' && (
              <div className="field" data-path-anchor="sharing.condition">
                <label className="field__label" htmlFor="res-condition">
                  {s.type === 'none' ? t('resourceCard.basis') : t('resourceCard.condition')} <span className="req">*</span>
                </label>
                <textarea
                  id="res-condition"
                  className="input textarea"
                  rows={3}
                  maxLength={2000}
                  value={s.condition ?? ''}
                  placeholder={s.type === 'none' ? t('edit.basisPlaceholder') : t('edit.conditionPlaceholder')}
                  aria-invalid={invalid('sharing.condition')}
                  onChange={(e) => set((f) => ({ ...f, sharing: { ...f.sharing, condition: e.target.value } }))}
                  data-testid="res-condition"
                />
                <ProblemList problems={at('sharing.condition')} testId="problem-sharing.condition" />
              </div>
            )}
            <div className="field" data-path-anchor="sharing.methods">
              <span className="field__label">{t('resourceCard.methods')}</span>
              <div className="checks-grid">
                {SHARING_METHODS.map((m) => {
                  const on = s.methods.includes(m);
                  return (
                    <label key={m} className={on ? 'check is-checked' : 'check'}>
                      <input
                        type="checkbox"
                        checked={on}
                        onChange={() => set((f) => ({ ...f, sharing: { ...f.sharing, methods: on ? f.sharing.methods.filter((x) => x !== m) : SHARING_METHODS.filter((x): x is SharingMethod => x === m || f.sharing.methods.includes(x)) } }))}
                        data-testid={`method-${m}`}
                      />
                      <span className="check__label">{t(`enums.method.${m}`)}</span>
                    </label>
                  );
                })}
              </div>
              <ProblemList problems={under('sharing.methods', [])} testId="problem-sharing.methods" />
            </div>
          </FormSection>

          <FormSection step={4} title={t('edit.sectionClassification')} hint={t('edit.gradeHint')} testId="section-classification">
            <div className="field-row">
              <div className="field" data-path-anchor="classification.tier">
                <label className="field__label" htmlFor="res-tier">
                  {t('edit.tier')}
                </label>
                <select id="res-tier" className="input select" value={form.classification.tier} onChange={(e) => set((f) => ({ ...f, classification: { ...f.classification, tier: e.target.value as ResourceInput['classification']['tier'] } }))} data-testid="res-tier">
                  {CATALOG_TIERS.map((v) => (
                    <option key={v} value={v}>
                      {t(`enums.tier.${v}`)}
                    </option>
                  ))}
                </select>
                <ProblemList problems={at('classification.tier')} testId="problem-classification.tier" />
              </div>
              <div className="field" data-path-anchor="classification.category">
                <label className="field__label" htmlFor="res-category">
                  {t('edit.category')} <span className="req">*</span>
                </label>
                <input id="res-category" className="input" list="categories" value={form.classification.category} maxLength={64} aria-invalid={invalid('classification.category')} onChange={(e) => set((f) => ({ ...f, classification: { ...f.classification, category: e.target.value } }))} data-testid="res-category" />
                <datalist id="categories">
                  {CATEGORIES.map((c) => (
                    <option key={c} value={c} />
                  ))}
                </datalist>
                <ProblemList problems={at('classification.category')} testId="problem-classification.category" />
              </div>
            </div>
            <div className="field" data-path-anchor="classification.grade">
              <span className="field__label">{t('resourceCard.grade')}</span>
              <div className="segmented" role="radiogroup" aria-label={t('resourceCard.grade')}>
                {DATA_GRADES.map((v) => (
                  <label key={v} className={form.classification.grade === v ? `segmented__opt is-on grade--${v}` : 'segmented__opt'} data-testid={`grade-${v}`}>
                    <input type="radio" name="grade" checked={form.classification.grade === v} onChange={() => set((f) => ({ ...f, classification: { ...f.classification, grade: v } }))} />
                    {t(`enums.grade.${v}`)}
                  </label>
                ))}
              </div>
              <ProblemList problems={at('classification.grade')} testId="problem-classification.grade" />
            </div>
          </FormSection>

          <FormSection step={5} title={t('edit.sectionSource')} testId="section-source">
            <div className="field-row field-row--3">
              <div className="field" data-path-anchor="updateCycle">
                <label className="field__label" htmlFor="res-cycle">
                  {t('resourceCard.updateCycle')}
                </label>
                <select id="res-cycle" className="input select" value={form.updateCycle} onChange={(e) => set((f) => ({ ...f, updateCycle: e.target.value as ResourceInput['updateCycle'] }))} data-testid="res-update-cycle">
                  {UPDATE_CYCLES.map((v) => (
                    <option key={v} value={v}>
                      {t(`enums.cycle.${v}`)}
                    </option>
                  ))}
                </select>
                <ProblemList problems={at('updateCycle')} testId="problem-updateCycle" />
              </div>
              <div className="field" data-path-anchor="source.system">
                <label className="field__label" htmlFor="res-system">
                  {t('resourceCard.sourceSystem')} <span className="req">*</span>
                </label>
                <input id="res-system" className="input" value={form.source.system} maxLength={200} placeholder={t('edit.systemPlaceholder')} aria-invalid={invalid('source.system')} onChange={(e) => set((f) => ({ ...f, source: { ...f.source, system: e.target.value } }))} data-testid="res-source-system" />
                <ProblemList problems={at('source.system')} testId="problem-source.system" />
              </div>
              <div className="field" data-path-anchor="source.adapter">
                <label className="field__label" htmlFor="res-adapter">
                  {t('resourceCard.adapter')} <span className="req">*</span>
                </label>
                <input id="res-adapter" className="input mono" value={form.source.adapter} maxLength={128} placeholder="registries.hukou_person" aria-invalid={invalid('source.adapter')} onChange={(e) => set((f) => ({ ...f, source: { ...f.source, adapter: e.target.value } }))} data-testid="res-source-adapter" />
                <span className="form-hint">{t('edit.adapterHint')}</span>
                <ProblemList problems={at('source.adapter')} testId="problem-source.adapter" />
              </div>
            </div>
            <ProblemList problems={[...at(''), ...under('source', ['source.system', 'source.adapter']), ...under('classification', ['classification.tier', 'classification.category', 'classification.grade']), ...under('sharing', ['sharing.type', 'sharing.condition', ...under('sharing.methods', []).map((q) => q.path)])]} testId="problem-other" />
          </FormSection>
        </div>
        <footer className="form-actions">
          <p className="form-actions__summary muted small">{t('edit.footer', { count: form.fields.length })}</p>
          <div className="form-actions__buttons">
            <button type="submit" className="btn" disabled={busy !== null || inReview} data-testid="save-draft">
              {busy === 'save' ? t('edit.saving') : t('edit.saveDraft')}
            </button>
            <button type="button" className="btn btn--primary" disabled={busy !== null || inReview} onClick={(e) => void onSubmit(e, true)} data-testid="save-submit">
              <Icon name="send" size={15} className={busy === 'submit' ? 'spin' : undefined} />
              {busy === 'submit' ? t('edit.submitting') : t('edit.saveSubmit')}
            </button>
          </div>
        </footer>
      </form>
    </div>
  );
}
