// 编辑服务事项 / Service item form (admin): how this region implements an item (its 实施清单 entry) — the
// codes, name and implementing department, the cross-province modes it offers and its promised time
// limit, the application materials with how each is provided (uploaded by the applicant, or 免提交: read
// from a data resource of this node or another region, or replaced by an electronic certificate), and the
// 办事指南. The confirmed national items Tongban seeds come without modes and time limit (no public source
// gives them): a banner lists what is still to be set — the main reason an administrator opens this form.
// Saving keeps a draft; "save and submit" also sends it for review. The catalogue's problems are shown
// next to the field they name and all of them above the form (EditForm.tsx).
import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import { Banner, FormSection, Tag } from '../../components/ui';
import { cachedDirectoryEntry, CROSS_MODES, fetchEntries, GUIDE_KEYS, resourceRef, saveItem } from '../../catalog/api';
import type { CrossMode, GuideKey, ItemDoc, ItemInput, Material, Problem, ResourceField } from '../../catalog/api';
import { ItemOrigin } from '../../catalog/views';
import { pick, useLang } from '../../i18n';
import { useSession } from '../../session';
import { useResource } from '../../useResource';
import { EditFrame, EditorPending, Field, isUnder, movedUp, ProblemList, RowTools, toggled, useCatalogEditor } from './EditForm';

type Supply = 'upload' | 'resource' | 'certificate';
const SUPPLIES: readonly Supply[] = ['upload', 'resource', 'certificate'];
/** a resource id (validate.ts RESOURCE_ID_PATTERN): only such a reference is looked up in the directory */
const RESOURCE_ID = /^[a-z][a-z0-9_.-]{1,63}$/;
/** the guide's long texts; the others are one line */
const LONG_GUIDE_KEYS: readonly GuideKey[] = ['conditions', 'process', 'legalBasis'];
/** the members of an item the form has a place for; a problem elsewhere is listed at the end */
const ITEM_PATHS = ['code', 'basicCode', 'name', 'department', 'origin', 'modes', 'timeLimitDays', 'materials', 'guide'];

/** A material as the form edits it: what each way of providing it needs is kept while another is chosen. */
interface MaterialDraft {
  name: string;
  required: boolean;
  supply: Supply;
  resource: string;
  /** the fields of the resource it uses, comma-separated; empty: the whole resource */
  fields: string;
  certificateType: string;
  note: string;
}

interface ItemForm {
  code: string;
  basicCode: string;
  name: string;
  department: string;
  modes: CrossMode[];
  /** as typed; empty while not set (sent as 0, which only a national item may keep: it stays pending) */
  timeLimitDays: string;
  guide: Record<GuideKey, string>;
  materials: MaterialDraft[];
}

function emptyMaterial(): MaterialDraft {
  return { name: '', required: true, supply: 'upload', resource: '', fields: '', certificateType: '', note: '' };
}

function emptyItem(): ItemForm {
  return { code: '', basicCode: '', name: '', department: '', modes: [], timeLimitDays: '', guide: guideOf({}), materials: [] };
}

function guideOf(guide: ItemDoc['guide']): Record<GuideKey, string> {
  return Object.fromEntries(GUIDE_KEYS.map((k) => [k, guide[k] ?? ''])) as Record<GuideKey, string>;
}

function splitFields(text: string): string[] {
  return text.split(/[\s,,、;;]+/).filter(Boolean);
}

function draftOf(m: Material): MaterialDraft {
  const s = m.satisfiedBy;
  return {
    ...emptyMaterial(),
    name: m.name,
    required: m.required,
    supply: s?.kind ?? 'upload',
    ...(s?.kind === 'resource' ? { resource: s.resource, fields: (s.fields ?? []).join(', ') } : {}),
    ...(s?.kind === 'certificate' ? { certificateType: s.certificateType } : {}),
    note: m.note ?? '',
  };
}

/** The form for a stored version; a pending time limit (0) shows as empty. */
function formOf(doc: ItemDoc): ItemForm {
  return {
    code: doc.code,
    basicCode: doc.basicCode ?? '',
    name: doc.name,
    department: doc.department,
    modes: [...doc.modes],
    timeLimitDays: doc.timeLimitDays > 0 ? String(doc.timeLimitDays) : '',
    guide: guideOf(doc.guide),
    materials: doc.materials.map(draftOf),
  };
}

function materialOf(d: MaterialDraft): Material {
  const note = d.note.trim();
  const fields = splitFields(d.fields);
  const satisfiedBy: Material['satisfiedBy'] =
    d.supply === 'resource'
      ? { kind: 'resource', resource: d.resource.trim(), ...(fields.length ? { fields } : {}) }
      : d.supply === 'certificate'
        ? { kind: 'certificate', certificateType: d.certificateType.trim() }
        : null;
  return { name: d.name.trim(), required: d.required, satisfiedBy, ...(note ? { note } : {}) };
}

/** What goes on the wire: no origin (the catalogue keeps an item's origin; a new one is regional), empty texts left out. */
function bodyOf(f: ItemForm): ItemInput {
  const basicCode = f.basicCode.trim();
  const days = f.timeLimitDays.trim();
  const guide: ItemInput['guide'] = {};
  for (const k of GUIDE_KEYS) {
    const v = f.guide[k].trim();
    if (v) guide[k] = v;
  }
  return {
    code: f.code.trim(),
    ...(basicCode ? { basicCode } : {}),
    name: f.name.trim(),
    department: f.department.trim(),
    modes: f.modes,
    // a number the catalogue checks (1–365); "1.5" or 400 come back as its problem next to the field
    timeLimitDays: days === '' ? 0 : Number(days),
    guide,
    materials: f.materials.map(materialOf),
  };
}

interface LocalCatalog {
  /** this node's resources that are not retired, with the fields of the version being worked on (what the catalogue checks against) */
  resources: Array<{ id: string; name: string; fields: ResourceField[] }>;
  certificateTypes: Array<{ code: string; name: string }>;
}

/** What the pickers offer; without it (it failed to load) the ids are typed. */
async function loadLocalCatalog(signal: AbortSignal): Promise<LocalCatalog> {
  const [resources, certificateTypes] = await Promise.all([fetchEntries('resource', signal), fetchEntries('certificate-type', signal)]);
  return {
    resources: resources.filter((e) => e.status !== 'retired').map((e) => ({ id: e.id, name: e.name, fields: (e.working ?? e.published)?.fields ?? [] })),
    certificateTypes: certificateTypes.filter((e) => e.status !== 'retired').map((e) => ({ code: e.id, name: e.name })),
  };
}

/**
 * The fields a material uses: ticks over the resource's fields when they are known (this node's resource,
 * or another region's from the directory), else typed names.
 */
function ResourceFieldsPicker({ reference, ownRegion, local, value, onChange, testId, label }: { reference: string; ownRegion: string; local: LocalCatalog['resources']; value: string; onChange: (fields: string) => void; testId: string; label: string }) {
  const { t } = useTranslation();
  const lang = useLang();
  const ref = resourceRef(reference.trim(), ownRegion);
  const remote = ref.region !== ownRegion && RESOURCE_ID.test(ref.id);
  const loadRemote = useCallback(
    () => (remote ? cachedDirectoryEntry(ref.region, 'resource', ref.id).then((e) => e.content.fields, () => null) : Promise.resolve(null)),
    [remote, ref.region, ref.id],
  );
  const remoteFields = useResource(loadRemote);
  if (!reference.trim()) return <span className="muted small">{t('itemEdit.fieldsAfterResource')}</span>;
  const known = remote ? remoteFields.data : local.find((r) => r.id === ref.id)?.fields;
  if (!known) {
    return (
      <>
        <input className="input mono" value={value} maxLength={2000} placeholder="name, birthDate" aria-label={label} onChange={(e) => onChange(e.target.value)} data-testid={`${testId}-text`} />
        <span className="form-hint">{t('itemEdit.fieldsText')}</span>
      </>
    );
  }
  const chosen = splitFields(value);
  // fields chosen before that the resource no longer has stay listed, so they can be unticked
  const options = [...known.map((f) => ({ name: f.name, label: pick(f.label, lang) })), ...chosen.filter((c) => !known.some((f) => f.name === c)).map((c) => ({ name: c, label: c }))];
  const names = options.map((o) => o.name);
  return (
    <>
      <div className="checks-grid checks-grid--fields" role="group" aria-label={label} data-testid={testId}>
        {options.map((o) => {
          const on = chosen.includes(o.name);
          return (
            <label key={o.name} className={on ? 'check is-checked' : 'check'}>
              <input type="checkbox" checked={on} onChange={() => onChange(toggled(names, chosen, o.name).join(', '))} data-testid={`${testId}-${o.name}`} />
              <span className="check__label">
                {o.label} <code className="muted small">{o.name}</code>
              </span>
            </label>
          );
        })}
      </div>
      <span className="form-hint">{t('itemEdit.fieldsAll')}</span>
    </>
  );
}

export function ItemEditPage() {
  const { t } = useTranslation();
  const params = useParams();
  const { user } = useSession();
  const editor = useCatalogEditor({ kind: 'item', editingId: params.id ?? null, empty: emptyItem, fromDoc: formOf, toBody: bodyOf, save: saveItem });
  const catalog = useResource(loadLocalCatalog);
  const { form, savedId, editingId, loaded, focusProblem } = editor;
  if (!form) return <EditorPending editor={editor} />;

  const { at, under, invalid } = editor.problems;
  const set = editor.update;
  const setMaterial = (i: number, fn: (m: MaterialDraft) => MaterialDraft) => set((f) => ({ ...f, materials: f.materials.map((x, j) => (j === i ? fn(x) : x)) }));
  const setGuide = (k: GuideKey, text: string) => set((f) => ({ ...f, guide: { ...f.guide, [k]: text } }));
  const local = catalog.data ?? { resources: [], certificateTypes: [] };
  const ownRegion = user?.regionCode ?? '';

  // what the national list left for this region to set, and whether the form has it now
  const pending = loaded?.pending ?? [];
  const filled = { modes: form.modes.length > 0, timeLimitDays: Number(form.timeLimitDays) > 0 };
  const stillPending = (k: 'modes' | 'timeLimitDays') => pending.includes(k) && !filled[k];
  const pendingTag = (k: 'modes' | 'timeLimitDays') =>
    stillPending(k) && (
      <Tag tone="warn" dot={false}>
        {t('itemEdit.pendingUnset')}
      </Tag>
    );

  const labels: Record<string, string> = {
    code: t('itemEdit.code'),
    basicCode: t('guide.basicCode'),
    name: t('itemEdit.name'),
    department: t('guide.department'),
    origin: t('guide.originTitle'),
    modes: t('guide.modes'),
    timeLimitDays: t('guide.timeLimit'),
    materials: t('guide.materialsTitle'),
    guide: t('guide.guideTitle'),
    ...Object.fromEntries(GUIDE_KEYS.map((k) => [`guide.${k}`, t(`guide.section.${k}`)])),
  };
  const materialLabels: Record<string, string> = {
    name: t('itemEdit.materialName'),
    required: t('itemEdit.materialRequired'),
    satisfiedBy: t('itemEdit.supply'),
    'satisfiedBy.kind': t('itemEdit.supply'),
    'satisfiedBy.resource': t('itemEdit.resource'),
    'satisfiedBy.fields': t('itemEdit.resourceFields'),
    'satisfiedBy.certificateType': t('itemEdit.certificateType'),
    note: t('itemEdit.note'),
  };
  const pathLabel = (path: string): string => {
    const m = /^materials\[(\d+)\](?:\.(.*))?$/.exec(path);
    if (m) {
      const part = m[2]?.replace(/\[\d+\]$/, '');
      return t('itemEdit.materialRow', { n: Number(m[1]) + 1 }) + (part ? ` · ${materialLabels[part] ?? part}` : '');
    }
    const top = path.replace(/\[\d+\]$/, '').replace(/^origin\..*$/, 'origin');
    return labels[top] ?? path;
  };
  const others: Problem[] = editor.problems.all.filter((p) => p.path === '' || !ITEM_PATHS.some((k) => isUnder(p.path, k)));

  const notices = pending.length > 0 && (
    <Banner tone="warn" title={t('itemEdit.pendingTitle')} testId="item-pending-banner" attrs={{ 'data-pending': pending.join(',') }}>
      <p className="pending-facts__body">{t('itemEdit.pendingBody')}</p>
      <ul className="pending-facts">
        {pending.map((k) => (
          <li key={k} data-testid={`pending-${k}`} data-filled={String(filled[k])} data-invalid={String(invalid(k))}>
            <button type="button" className="link-button" onClick={() => focusProblem(k)}>
              {k === 'modes' ? t('guide.modes') : t('guide.timeLimit')}
            </button>
            {invalid(k) ? (
              <Tag tone="error" dot={false}>
                {t('itemEdit.pendingInvalid')}
              </Tag>
            ) : (
              <Tag tone={filled[k] ? 'ok' : 'warn'} dot={false}>
                {filled[k] ? t('itemEdit.pendingFilled') : t('itemEdit.pendingUnset')}
              </Tag>
            )}
          </li>
        ))}
      </ul>
    </Banner>
  );

  return (
    <EditFrame
      editor={editor}
      testId="page-item-edit"
      formTestId="item-form"
      formClassName="item-form"
      title={editingId ? t('edit.titleEdit', { name: form.name || editingId }) : t('itemEdit.titleNew')}
      subtitle={t('itemEdit.subtitle')}
      inReviewText={t('itemEdit.inReview')}
      notices={notices}
      pathLabel={pathLabel}
      summary={t('itemEdit.footer', { count: form.materials.length })}
    >
      <FormSection step={1} title={t('edit.sectionBasic')} testId="section-basic">
        <div className="field-row">
          <Field path="code" label={t('itemEdit.code')} inputId="itm-code" required hint={`${savedId ? t('itemEdit.codeFixed') : t('itemEdit.codeHint')}${loaded?.codeKind === 'local' ? ` ${t('guide.localCodeHint')}` : ''}`} problems={at('code')}>
            <input id="itm-code" className="input mono" value={form.code} disabled={Boolean(savedId)} placeholder={t('itemEdit.codePlaceholder')} maxLength={64} aria-invalid={invalid('code')} onChange={(e) => set((f) => ({ ...f, code: e.target.value }))} data-testid="itm-code" />
          </Field>
          <Field path="basicCode" label={t('guide.basicCode')} inputId="itm-basic-code" optional hint={t('itemEdit.basicCodeHint')} problems={at('basicCode')}>
            <input id="itm-basic-code" className="input mono" value={form.basicCode} maxLength={64} aria-invalid={invalid('basicCode')} onChange={(e) => set((f) => ({ ...f, basicCode: e.target.value }))} data-testid="itm-basic-code" />
          </Field>
        </div>
        <div className="field-row">
          <Field path="name" label={t('itemEdit.name')} inputId="itm-name" required problems={at('name')}>
            <input id="itm-name" className="input" value={form.name} maxLength={200} aria-invalid={invalid('name')} onChange={(e) => set((f) => ({ ...f, name: e.target.value }))} data-testid="itm-name" />
          </Field>
          <Field path="department" label={t('guide.department')} inputId="itm-department" required problems={at('department')}>
            <input id="itm-department" className="input" value={form.department} maxLength={200} placeholder={t('itemEdit.departmentPlaceholder')} aria-invalid={invalid('department')} onChange={(e) => set((f) => ({ ...f, department: e.target.value }))} data-testid="itm-department" />
          </Field>
        </div>
        <Field path="origin" label={t('guide.originTitle')} hint={editingId ? t('itemEdit.originFixed') : t('itemEdit.originNew')} problems={under('origin', [])}>
          <ItemOrigin doc={{ origin: loaded?.origin ?? { kind: 'regional', source: t('itemEdit.originNewSource') } }} />
        </Field>
      </FormSection>

      <FormSection step={2} title={t('itemEdit.sectionHandling')} hint={t('itemEdit.handlingHint')} testId="section-handling">
        <Field path="modes" label={t('guide.modes')} required extra={pendingTag('modes')} className={stillPending('modes') ? 'field--pending' : undefined} testId="field-modes" problems={under('modes', [])}>
          <div className="checks-grid checks-grid--modes" role="group" aria-label={t('guide.modes')}>
            {CROSS_MODES.map((m) => {
              const on = form.modes.includes(m);
              return (
                <label key={m} className={on ? 'check is-checked' : 'check'}>
                  <input type="checkbox" checked={on} onChange={() => set((f) => ({ ...f, modes: toggled(CROSS_MODES, f.modes, m) }))} data-testid={`mode-${m}`} />
                  <span className="check__label">{t(`enums.mode.${m}`)}</span>
                  <span className="check__hint">{t(`itemEdit.modeExplain.${m}`)}</span>
                </label>
              );
            })}
          </div>
        </Field>
        <Field path="timeLimitDays" label={t('guide.timeLimit')} inputId="itm-time-limit" required extra={pendingTag('timeLimitDays')} className={stillPending('timeLimitDays') ? 'field--pending' : undefined} testId="field-timeLimitDays" hint={t('itemEdit.timeLimitHint')} problems={at('timeLimitDays')}>
          <div className="with-unit">
            <input id="itm-time-limit" className="input" type="number" inputMode="numeric" min={1} max={365} step={1} value={form.timeLimitDays} aria-invalid={invalid('timeLimitDays')} onChange={(e) => set((f) => ({ ...f, timeLimitDays: e.target.value }))} data-testid="itm-time-limit" />
            <span>{t('itemEdit.workingDays')}</span>
          </div>
        </Field>
      </FormSection>

      <FormSection step={3} title={t('guide.materialsTitle')} hint={t('itemEdit.materialsHint')} testId="section-materials">
        <div data-path-anchor="materials">
          <ProblemList problems={at('materials')} testId="problem-materials" />
          <datalist id="itm-local-resources">
            {local.resources.map((r) => (
              <option key={r.id} value={r.id}>
                {r.name}
              </option>
            ))}
          </datalist>
          <datalist id="itm-local-certificates">
            {local.certificateTypes.map((c) => (
              <option key={c.code} value={c.code}>
                {c.name}
              </option>
            ))}
          </datalist>
          {form.materials.length === 0 && <p className="muted small">{t('itemEdit.noMaterials')}</p>}
          <div className="material-edits" data-testid="material-rows">
            {form.materials.map((m, i) => {
              const p = `materials[${i}]`;
              const sb = `${p}.satisfiedBy`;
              const fieldProblems = under(`${sb}.fields`, []);
              const shown = [`${p}.name`, `${p}.required`, sb, `${sb}.kind`, `${p}.note`];
              if (m.supply === 'resource') shown.push(`${sb}.resource`, ...fieldProblems.map((q) => q.path));
              if (m.supply === 'certificate') shown.push(`${sb}.certificateType`);
              const rest = under(p, shown);
              return (
                <div className={under(p, []).length > 0 ? 'material-edit has-problem' : 'material-edit'} key={i} data-path-anchor={p} data-testid={`mat-row-${i}`}>
                  <span className="material-edit__no">{i + 1}</span>
                  <div className="material-edit__main">
                    <Field cell path={`${p}.name`} label={t('itemEdit.materialName')} inputId={`mat-${i}-name`} required problems={at(`${p}.name`)}>
                      <input id={`mat-${i}-name`} className="input" value={m.name} maxLength={200} placeholder={t('itemEdit.materialNamePlaceholder')} aria-invalid={invalid(`${p}.name`)} onChange={(e) => setMaterial(i, (x) => ({ ...x, name: e.target.value }))} data-testid={`mat-${i}-name`} />
                    </Field>
                    {/* the caption is a blank that lines the box up with the inputs beside it */}
                    <Field cell path={`${p}.required`} label={'\u00a0'} className="material-edit__required" problems={at(`${p}.required`)}>
                      <label className={m.required ? 'check is-checked' : 'check'}>
                        <input type="checkbox" checked={m.required} onChange={(e) => setMaterial(i, (x) => ({ ...x, required: e.target.checked }))} data-testid={`mat-${i}-required`} />
                        <span className="check__label">{t('itemEdit.materialRequired')}</span>
                      </label>
                    </Field>
                    <Field cell path={sb} label={t('itemEdit.supply')} className="material-edit__supply" problems={[...at(sb), ...at(`${sb}.kind`)]}>
                      <div className="segmented" role="radiogroup" aria-label={t('itemEdit.supply')}>
                        {SUPPLIES.map((v) => (
                          <label key={v} className={m.supply === v ? 'segmented__opt is-on' : 'segmented__opt'} data-testid={`mat-${i}-supply-${v}`}>
                            <input type="radio" name={`mat-${i}-supply`} checked={m.supply === v} onChange={() => setMaterial(i, (x) => ({ ...x, supply: v }))} />
                            {t(`itemEdit.supplyOption.${v}`)}
                          </label>
                        ))}
                      </div>
                    </Field>
                    {m.supply === 'resource' && (
                      <div className="material-edit__detail">
                        <Field cell path={`${sb}.resource`} label={t('itemEdit.resource')} inputId={`mat-${i}-resource`} required hint={t('itemEdit.resourceHint')} problems={at(`${sb}.resource`)}>
                          <input id={`mat-${i}-resource`} className="input mono" list="itm-local-resources" value={m.resource} maxLength={71} placeholder="hukou.person" aria-invalid={invalid(`${sb}.resource`)} onChange={(e) => setMaterial(i, (x) => ({ ...x, resource: e.target.value }))} data-testid={`mat-${i}-resource`} />
                        </Field>
                        <Field cell path={`${sb}.fields`} label={t('itemEdit.resourceFields')} problems={fieldProblems}>
                          <ResourceFieldsPicker reference={m.resource} ownRegion={ownRegion} local={local.resources} value={m.fields} onChange={(fields) => setMaterial(i, (x) => ({ ...x, fields }))} testId={`mat-${i}-fields`} label={t('itemEdit.resourceFields')} />
                        </Field>
                      </div>
                    )}
                    {m.supply === 'certificate' && (
                      <div className="material-edit__detail">
                        <Field cell path={`${sb}.certificateType`} label={t('itemEdit.certificateType')} inputId={`mat-${i}-certificate`} required hint={t('itemEdit.certificateHint')} problems={at(`${sb}.certificateType`)}>
                          <input id={`mat-${i}-certificate`} className="input mono" list="itm-local-certificates" value={m.certificateType} maxLength={21} placeholder="11100000000013338W032" aria-invalid={invalid(`${sb}.certificateType`)} onChange={(e) => setMaterial(i, (x) => ({ ...x, certificateType: e.target.value.toUpperCase() }))} data-testid={`mat-${i}-certificate`} />
                        </Field>
                      </div>
                    )}
                    <Field cell path={`${p}.note`} label={t('itemEdit.note')} inputId={`mat-${i}-note`} optional className="material-edit__note" problems={at(`${p}.note`)}>
                      <input id={`mat-${i}-note`} className="input" value={m.note} maxLength={1000} aria-invalid={invalid(`${p}.note`)} onChange={(e) => setMaterial(i, (x) => ({ ...x, note: e.target.value }))} data-testid={`mat-${i}-note`} />
                    </Field>
                    {rest.length > 0 && <ProblemList problems={rest} testId={`problem-${p}`} />}
                  </div>
                  <RowTools
                    className="material-edit__tools"
                    index={i}
                    removeLabel={t('itemEdit.removeMaterial')}
                    removeTestId={`mat-${i}-remove`}
                    onMoveUp={() => set((f) => ({ ...f, materials: movedUp(f.materials, i) }))}
                    onRemove={() => set((f) => ({ ...f, materials: f.materials.filter((_, j) => j !== i) }))}
                  />
                </div>
              );
            })}
          </div>
          <button type="button" className="btn btn--small add-field" onClick={() => set((f) => ({ ...f, materials: [...f.materials, emptyMaterial()] }))} data-testid="add-material">
            + {t('itemEdit.addMaterial')}
          </button>
        </div>
      </FormSection>

      <FormSection step={4} title={t('guide.guideTitle')} hint={t('itemEdit.guideHint')} testId="section-guide">
        {LONG_GUIDE_KEYS.map((k) => (
          <Field key={k} path={`guide.${k}`} label={t(`guide.section.${k}`)} inputId={`itm-guide-${k}`} optional problems={at(`guide.${k}`)}>
            <textarea id={`itm-guide-${k}`} className="input textarea" rows={k === 'legalBasis' ? 2 : 4} maxLength={4000} value={form.guide[k]} aria-invalid={invalid(`guide.${k}`)} onChange={(e) => setGuide(k, e.target.value)} data-testid={`itm-guide-${k}`} />
          </Field>
        ))}
        <div className="field-row field-row--3">
          {GUIDE_KEYS.filter((k) => !LONG_GUIDE_KEYS.includes(k)).map((k) => (
            <Field key={k} path={`guide.${k}`} label={t(`guide.section.${k}`)} inputId={`itm-guide-${k}`} optional problems={at(`guide.${k}`)}>
              <input id={`itm-guide-${k}`} className="input" maxLength={4000} value={form.guide[k]} placeholder={k === 'fee' ? t('itemEdit.feePlaceholder') : undefined} aria-invalid={invalid(`guide.${k}`)} onChange={(e) => setGuide(k, e.target.value)} data-testid={`itm-guide-${k}`} />
            </Field>
          ))}
        </div>
        <ProblemList problems={[...under('guide', GUIDE_KEYS.map((k) => `guide.${k}`)), ...others]} testId="problem-other" />
      </FormSection>
    </EditFrame>
  );
}
