// 编辑数据资源 / Data resource form (admin): basic facts, the fields table with a picker of standard data
// elements, sharing type with its condition or legal basis, classification and grade, update cycle,
// sharing methods and source. The catalogue checks everything and answers with every problem and the
// path of the field it names; each problem is shown next to that field (and all of them above the form).
// Saving keeps a draft; "save and submit" also sends it for review.
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import { ErrorPanel, FormSection } from '../../components/ui';
import { CATALOG_TIERS, DATA_GRADES, fetchElements, saveResource, SHARING_METHODS, SHARING_TYPES, UPDATE_CYCLES } from '../../catalog/api';
import type { DataElement, ResourceDoc, ResourceField, ResourceInput } from '../../catalog/api';
import { pathLabelKey, RESOURCE_PATH_LABELS } from '../../catalog/pathLabels';
import type { Translate } from '../../catalog/pathLabels';
import { pick, useLang } from '../../i18n';
import { useResource } from '../../useResource';
import { EditFrame, EditorPending, EnumSelect, Field, movedUp, ProblemList, RowTools, toggled, useCatalogEditor } from './EditForm';

const CATEGORIES = ['人口', '法人', '社会信用', '电子证照', '自然资源和空间地理', '社会保障', '医疗健康', '教育', '婚姻登记'];

function emptyField(): ResourceField {
  return { name: '', element: '', label: { zh: '', en: '' }, sensitivity: 'general' };
}

function emptyResource(): ResourceInput {
  return {
    id: '',
    name: { zh: '', en: '' },
    summary: '',
    department: { name: '', code: '' },
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
  const params = useParams();
  const editor = useCatalogEditor({ kind: 'resource', editingId: params.id ?? null, empty: emptyResource, fromDoc: inputOf, toBody: bodyOf, save: saveResource });
  const elements = useResource(fetchElements);
  const { form, savedId, editingId } = editor;
  if (!form) return <EditorPending editor={editor} />;

  const { at, under, invalid } = editor.problems;
  const set = editor.update;
  const setField = (i: number, fn: (x: ResourceField) => ResourceField) => set((f) => ({ ...f, fields: f.fields.map((x, j) => (j === i ? fn(x) : x)) }));
  const s = form.sharing;
  const elementList = elements.data ?? [];
  const fieldCells = (i: number) => [`fields[${i}].name`, `fields[${i}].element`, `fields[${i}].label.zh`, `fields[${i}].label.en`, `fields[${i}].sensitivity`];
  // a problem's path in the words the form labels that member with: `department.name` → 提供部门, `fields[0].label.en` → 第 1 个字段 · 英文名称
  const tt = t as unknown as Translate;
  const label = (path: string): string | undefined => {
    const key = path === 'sharing.condition' && s.type === 'none' ? 'resourceCard.basis' : pathLabelKey(path, RESOURCE_PATH_LABELS);
    return key ? tt(key) : undefined;
  };
  const pathLabel = (path: string): string => {
    const m = /^fields\[(\d+)\](?:\.(.*))?$/.exec(path);
    if (m) return t('edit.fieldRow', { n: Number(m[1]) + 1 }) + (m[2] ? ` · ${label(`fields.${m[2]}`) ?? m[2]}` : '');
    return label(path) ?? path;
  };

  return (
    <EditFrame
      editor={editor}
      testId="page-resource-edit"
      formTestId="resource-form"
      formClassName="resource-form"
      title={editingId ? t('edit.titleEdit', { name: form.name.zh || editingId }) : t('edit.titleNew')}
      subtitle={t('edit.subtitle')}
      inReviewText={t('edit.inReview')}
      pathLabel={pathLabel}
      summary={t('edit.footer', { count: form.fields.length })}
    >
      <FormSection step={1} title={t('edit.sectionBasic')} testId="section-basic">
        <div className="field-row">
          <Field path="id" label={t('edit.id')} inputId="res-id" required hint={savedId ? t('edit.idFixed') : t('edit.idHint')} problems={at('id')}>
            <input id="res-id" className="input mono" value={form.id} disabled={Boolean(savedId)} placeholder="hukou.person" maxLength={64} aria-invalid={invalid('id')} onChange={(e) => set((f) => ({ ...f, id: e.target.value }))} data-testid="res-id" />
          </Field>
          <Field path="subjectType" label={t('edit.subject')} problems={at('subjectType')}>
            <div className="segmented" role="radiogroup" aria-label={t('edit.subject')}>
              {(['citizen', 'enterprise'] as const).map((v) => (
                <label key={v} className={form.subjectType === v ? 'segmented__opt is-on' : 'segmented__opt'}>
                  <input type="radio" name="subjectType" checked={form.subjectType === v} onChange={() => set((f) => ({ ...f, subjectType: v }))} />
                  {t(`enums.subject.${v}`)}
                </label>
              ))}
            </div>
          </Field>
        </div>
        <div className="field-row">
          <Field path="name.zh" label={t('edit.nameZh')} inputId="res-name-zh" required problems={[...at('name.zh'), ...at('name')]}>
            <input id="res-name-zh" className="input" value={form.name.zh} maxLength={200} aria-invalid={invalid('name.zh')} onChange={(e) => set((f) => ({ ...f, name: { ...f.name, zh: e.target.value } }))} data-testid="res-name-zh" />
          </Field>
          <Field path="name.en" label={t('edit.nameEn')} inputId="res-name-en" required problems={at('name.en')}>
            <input id="res-name-en" className="input" value={form.name.en} maxLength={200} aria-invalid={invalid('name.en')} onChange={(e) => set((f) => ({ ...f, name: { ...f.name, en: e.target.value } }))} data-testid="res-name-en" />
          </Field>
        </div>
        <Field path="summary" label={t('edit.summary')} inputId="res-summary" required problems={at('summary')}>
          <textarea id="res-summary" className="input textarea" rows={3} maxLength={2000} value={form.summary} aria-invalid={invalid('summary')} onChange={(e) => set((f) => ({ ...f, summary: e.target.value }))} data-testid="res-summary" />
        </Field>
        <div className="field-row">
          <Field path="department.name" label={t('edit.department')} inputId="res-dept" required problems={[...at('department.name'), ...at('department')]}>
            <input id="res-dept" className="input" value={form.department.name} maxLength={200} placeholder={t('edit.departmentPlaceholder')} aria-invalid={invalid('department.name')} onChange={(e) => set((f) => ({ ...f, department: { ...f.department, name: e.target.value } }))} data-testid="res-department" />
          </Field>
          <Field path="department.code" label={t('edit.departmentCode')} inputId="res-dept-code" optional problems={at('department.code')}>
            <input id="res-dept-code" className="input mono" value={form.department.code ?? ''} maxLength={18} placeholder="11310000002421341X" aria-invalid={invalid('department.code')} onChange={(e) => set((f) => ({ ...f, department: { ...f.department, code: e.target.value.toUpperCase() } }))} data-testid="res-department-code" />
          </Field>
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
                <div className={under(p, []).length > 0 ? 'field-row-item has-problem' : 'field-row-item'} key={i} data-testid={`field-row-${i}`}>
                  <span className="field-row-item__no">{i + 1}</span>
                  <Field cell path={`${p}.name`} label={t('edit.fieldName')} problems={at(`${p}.name`)}>
                    <input className="input mono" value={x.name} maxLength={64} placeholder="idNumber" aria-label={t('edit.fieldName')} aria-invalid={invalid(`${p}.name`)} onChange={(e) => setField(i, (f) => ({ ...f, name: e.target.value }))} data-testid={`field-${i}-name`} />
                  </Field>
                  <Field cell path={`${p}.element`} label={t('edit.fieldElement')} problems={at(`${p}.element`)}>
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
                  </Field>
                  <Field cell path={`${p}.label.zh`} label={t('edit.fieldLabelZh')} problems={at(`${p}.label.zh`)}>
                    <input className="input" value={x.label.zh} maxLength={200} aria-label={t('edit.fieldLabelZh')} aria-invalid={invalid(`${p}.label.zh`)} onChange={(e) => setField(i, (f) => ({ ...f, label: { ...f.label, zh: e.target.value } }))} data-testid={`field-${i}-label-zh`} />
                  </Field>
                  <Field cell path={`${p}.label.en`} label={t('edit.fieldLabelEn')} problems={at(`${p}.label.en`)}>
                    <input className="input" value={x.label.en} maxLength={200} aria-label={t('edit.fieldLabelEn')} aria-invalid={invalid(`${p}.label.en`)} onChange={(e) => setField(i, (f) => ({ ...f, label: { ...f.label, en: e.target.value } }))} data-testid={`field-${i}-label-en`} />
                  </Field>
                  <Field cell path={`${p}.sensitivity`} label={t('edit.fieldSensitivity')} problems={at(`${p}.sensitivity`)}>
                    <select className="input select" value={x.sensitivity} aria-label={t('edit.fieldSensitivity')} aria-invalid={invalid(`${p}.sensitivity`)} onChange={(e) => setField(i, (f) => ({ ...f, sensitivity: e.target.value as ResourceField['sensitivity'] }))} data-testid={`field-${i}-sensitivity`}>
                      <option value="general">{t('enums.sensitivity.general')}</option>
                      <option value="sensitive">{t('enums.sensitivity.sensitive')}</option>
                    </select>
                  </Field>
                  <RowTools
                    className="field-row-item__tools"
                    index={i}
                    removeLabel={t('edit.removeField')}
                    removeTestId={`field-${i}-remove`}
                    onMoveUp={() => set((f) => ({ ...f, fields: movedUp(f.fields, i) }))}
                    onRemove={() => set((f) => ({ ...f, fields: f.fields.filter((_, j) => j !== i) }))}
                  />
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
        <Field path="sharing.type" label={t('edit.sharingType')} problems={at('sharing.type')}>
          <div className="choice-grid" role="radiogroup" aria-label={t('edit.sharingType')}>
            {SHARING_TYPES.map((v) => (
              <label key={v} className={s.type === v ? 'choice is-on' : 'choice'} data-testid={`sharing-${v}`}>
                <input type="radio" name="sharingType" checked={s.type === v} onChange={() => set((f) => ({ ...f, sharing: { ...f.sharing, type: v } }))} />
                <span className="choice__title">{t(`enums.sharing.${v}`)}</span>
                <span className="choice__hint">{t(`resourceCard.sharingExplain.${v}`)}</span>
              </label>
            ))}
          </div>
        </Field>
        {s.type !== 'unconditional' && (
          <Field path="sharing.condition" label={s.type === 'none' ? t('resourceCard.basis') : t('resourceCard.condition')} inputId="res-condition" required problems={at('sharing.condition')}>
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
          </Field>
        )}
        <Field path="sharing.methods" label={t('resourceCard.methods')} problems={under('sharing.methods', [])}>
          <div className="checks-grid">
            {SHARING_METHODS.map((m) => {
              const on = s.methods.includes(m);
              return (
                <label key={m} className={on ? 'check is-checked' : 'check'}>
                  <input type="checkbox" checked={on} onChange={() => set((f) => ({ ...f, sharing: { ...f.sharing, methods: toggled(SHARING_METHODS, f.sharing.methods, m) } }))} data-testid={`method-${m}`} />
                  <span className="check__label">{t(`enums.method.${m}`)}</span>
                </label>
              );
            })}
          </div>
        </Field>
      </FormSection>

      <FormSection step={4} title={t('edit.sectionClassification')} hint={t('edit.gradeHint')} testId="section-classification">
        <div className="field-row">
          <Field path="classification.tier" label={t('edit.tier')} inputId="res-tier" problems={at('classification.tier')}>
            <EnumSelect id="res-tier" values={CATALOG_TIERS} value={form.classification.tier} text={(v) => t(`enums.tier.${v}`)} onChange={(tier) => set((f) => ({ ...f, classification: { ...f.classification, tier } }))} testId="res-tier" />
          </Field>
          <Field path="classification.category" label={t('edit.category')} inputId="res-category" required problems={at('classification.category')}>
            <input id="res-category" className="input" list="categories" value={form.classification.category} maxLength={64} aria-invalid={invalid('classification.category')} onChange={(e) => set((f) => ({ ...f, classification: { ...f.classification, category: e.target.value } }))} data-testid="res-category" />
            <datalist id="categories">
              {CATEGORIES.map((c) => (
                <option key={c} value={c} />
              ))}
            </datalist>
          </Field>
        </div>
        <Field path="classification.grade" label={t('resourceCard.grade')} problems={at('classification.grade')}>
          <div className="segmented" role="radiogroup" aria-label={t('resourceCard.grade')}>
            {DATA_GRADES.map((v) => (
              <label key={v} className={form.classification.grade === v ? `segmented__opt is-on grade--${v}` : 'segmented__opt'} data-testid={`grade-${v}`}>
                <input type="radio" name="grade" checked={form.classification.grade === v} onChange={() => set((f) => ({ ...f, classification: { ...f.classification, grade: v } }))} />
                {t(`enums.grade.${v}`)}
              </label>
            ))}
          </div>
        </Field>
      </FormSection>

      <FormSection step={5} title={t('edit.sectionSource')} testId="section-source">
        <div className="field-row field-row--3">
          <Field path="updateCycle" label={t('resourceCard.updateCycle')} inputId="res-cycle" problems={at('updateCycle')}>
            <EnumSelect id="res-cycle" values={UPDATE_CYCLES} value={form.updateCycle} text={(v) => t(`enums.cycle.${v}`)} onChange={(updateCycle) => set((f) => ({ ...f, updateCycle }))} testId="res-update-cycle" />
          </Field>
          <Field path="source.system" label={t('resourceCard.sourceSystem')} inputId="res-system" required problems={at('source.system')}>
            <input id="res-system" className="input" value={form.source.system} maxLength={200} placeholder={t('edit.systemPlaceholder')} aria-invalid={invalid('source.system')} onChange={(e) => set((f) => ({ ...f, source: { ...f.source, system: e.target.value } }))} data-testid="res-source-system" />
          </Field>
          <Field path="source.adapter" label={t('resourceCard.adapter')} inputId="res-adapter" required hint={t('edit.adapterHint')} problems={at('source.adapter')}>
            <input id="res-adapter" className="input mono" value={form.source.adapter} maxLength={128} placeholder="registries.hukou_person" aria-invalid={invalid('source.adapter')} onChange={(e) => set((f) => ({ ...f, source: { ...f.source, adapter: e.target.value } }))} data-testid="res-source-adapter" />
          </Field>
        </div>
        <ProblemList problems={[...at(''), ...under('source', ['source.system', 'source.adapter']), ...under('classification', ['classification.tier', 'classification.category', 'classification.grade']), ...under('sharing', ['sharing.type', 'sharing.condition', ...under('sharing.methods', []).map((q) => q.path)])]} testId="problem-other" />
      </FormSection>
    </EditFrame>
  );
}
