// What the catalogue's edit forms (data resources, service items) share: loading the entry being edited
// into the form, saving it as a draft (and, with "save and submit", sending it for review), the page
// around the form, and the catalogue's problems. The catalogue checks everything and answers with every
// problem and the path of the field it names; each problem is shown next to that field and all of them
// above the form, each a link to its field.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { FormEvent, ReactNode, RefObject } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { ApiError } from '../../api';
import { Icon } from '../../components/Icon';
import { Banner, ErrorPanel, Loading } from '../../components/ui';
import { fetchEntry, KIND_PATH, problemsOf, standingProblems, workflowStep } from '../../catalog/api';
import type { DocOf, EditableKind, EntryView, InputOf, Problem } from '../../catalog/api';
import { useLang } from '../../i18n';
import { useResource } from '../../useResource';
import type { ResourceState } from '../../useResource';
import { PageHeader } from '../shared';
import { consoleEntryPath } from './CatalogListPage';

/** The problems the catalogue found that name one field (or, for `testId`, one group of fields). */
export function ProblemList({ problems, testId }: { problems: Problem[]; testId: string }) {
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

/**
 * One labelled member of a form: its label (marked required or optional), the input (the children), a
 * hint, and the problems the catalogue found in it. `path` names the member: problems scroll to it, and
 * its problem list is `problem-<path>`.
 */
export function Field({
  path,
  label,
  inputId,
  required,
  optional,
  extra,
  hint,
  problems,
  cell,
  className,
  testId,
  children,
}: {
  path: string;
  label: ReactNode;
  /** the input the label names; without it the label is a caption (of a group of choices, or of an input with its own aria-label) */
  inputId?: string;
  required?: boolean;
  optional?: boolean;
  /** after the label, e.g. a "not set" tag */
  extra?: ReactNode;
  hint?: ReactNode;
  problems: Problem[];
  /** a cell of a row of a list (fields, materials) rather than a field of the form */
  cell?: boolean;
  className?: string;
  testId?: string;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  const labelClass = cell ? 'cell__label' : 'field__label';
  const text = (
    <>
      {label}
      {required && <> <span className="req">*</span></>}
      {optional && <> <span className="muted small">{t('edit.optional')}</span></>}
      {extra && <> {extra}</>}
    </>
  );
  return (
    <div className={`${cell ? 'cell' : 'field'}${className ? ` ${className}` : ''}`} data-path-anchor={path} data-testid={testId}>
      {inputId ? (
        <label className={labelClass} htmlFor={inputId}>
          {text}
        </label>
      ) : (
        <span className={labelClass}>{text}</span>
      )}
      {children}
      {hint && <span className="form-hint">{hint}</span>}
      <ProblemList problems={problems} testId={`problem-${path}`} />
    </div>
  );
}

/** A select over a closed vocabulary, each value in words. */
export function EnumSelect<T extends string>({ id, values, value, text, onChange, testId }: { id: string; values: readonly T[]; value: T; text: (v: T) => string; onChange: (v: T) => void; testId: string }) {
  return (
    <select id={id} className="input select" value={value} onChange={(e) => onChange(values.find((v) => v === e.target.value) ?? value)} data-testid={testId}>
      {values.map((v) => (
        <option key={v} value={v}>
          {text(v)}
        </option>
      ))}
    </select>
  );
}

/** The buttons of a row of a list the form edits (a resource's fields, an item's materials): move it up, remove it. */
export function RowTools({ className, index, removeLabel, removeTestId, onMoveUp, onRemove }: { className: string; index: number; removeLabel: string; removeTestId: string; onMoveUp: () => void; onRemove: () => void }) {
  const { t } = useTranslation();
  return (
    <div className={className}>
      <button type="button" className="icon-btn" title={t('edit.moveUp')} aria-label={t('edit.moveUp')} disabled={index === 0} onClick={onMoveUp}>
        ↑
      </button>
      <button type="button" className="icon-btn" title={removeLabel} aria-label={removeLabel} onClick={onRemove} data-testid={removeTestId}>
        ×
      </button>
    </div>
  );
}

/** The list with row `i` moved one place up. */
export function movedUp<T>(list: readonly T[], i: number): T[] {
  return list.map((x, j) => (j === i - 1 ? list[i]! : j === i ? list[i - 1]! : x));
}

/** A multiple choice after a click on `value`: on or off, in the order of `all` (the order the catalogue lists them in). */
export function toggled<T>(all: readonly T[], chosen: readonly T[], value: T): T[] {
  return chosen.includes(value) ? chosen.filter((x) => x !== value) : all.filter((x) => x === value || chosen.includes(x));
}

/** The last save's problems, looked up by the path of the field they name. */
export interface ProblemIndex {
  all: Problem[];
  /** problems of exactly this path */
  at: (path: string) => Problem[];
  /** problems of this path or anything below it (`x.y`, `x[2]`), except the paths already shown elsewhere */
  under: (prefix: string, shown: readonly string[]) => Problem[];
  /** whether the field at this path has a problem (its input is marked aria-invalid) */
  invalid: (path: string) => boolean;
}

/** Whether a problem's path is this member or something inside it (`x.y`, `x[2]`). */
export function isUnder(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(`${prefix}.`) || path.startsWith(`${prefix}[`);
}

function problemIndex(all: Problem[]): ProblemIndex {
  return {
    all,
    at: (path) => all.filter((p) => p.path === path),
    under: (prefix, shown) => all.filter((p) => isUnder(p.path, prefix) && !shown.includes(p.path)),
    invalid: (path) => all.some((p) => p.path === path),
  };
}

export interface EditorOptions<K extends EditableKind, Form> {
  kind: K;
  /** the entry being edited; null: a new one */
  editingId: string | null;
  /** a new entry's form */
  empty: () => Form;
  /** the form for a stored version; module-level functions (they are effect dependencies) */
  fromDoc: (doc: DocOf[K]) => Form;
  /** what goes on the wire */
  toBody: (form: Form) => InputOf[K];
  save: (body: InputOf[K], existingId: string | null) => Promise<EntryView<DocOf[K]>>;
}

export interface Editor<K extends EditableKind, Form> {
  kind: K;
  editingId: string | null;
  entry: ResourceState<EntryView<DocOf[K]> | null>;
  /** the version the form was loaded from (the one being worked on, else the one in force) */
  loaded: DocOf[K] | null;
  /** null until the entry being edited has loaded */
  form: Form | null;
  update: (fn: (f: Form) => Form) => void;
  /** the version being worked on is in review: it cannot be changed until it is withdrawn */
  inReview: boolean;
  /** once saved, the entry's id (a new entry's first save creates it; the next ones edit it) */
  savedId: string | null;
  problems: ProblemIndex;
  error: ApiError | null;
  busy: 'save' | 'submit' | null;
  formRef: RefObject<HTMLFormElement | null>;
  /** scrolls the field a problem names into view and focuses it */
  focusProblem: (path: string) => void;
  /** saves the draft; with andSubmit also submits it for review; then opens the entry's console page */
  submit: (ev: Pick<FormEvent, 'preventDefault'>, andSubmit: boolean) => Promise<void>;
}

export function useCatalogEditor<K extends EditableKind, Form>(o: EditorOptions<K, Form>): Editor<K, Form> {
  const navigate = useNavigate();
  const { kind, editingId, fromDoc } = o;
  const [savedId, setSavedId] = useState<string | null>(editingId);
  const [form, setForm] = useState<Form | null>(() => (editingId ? null : o.empty()));
  // the last refused save: its problems and the body they were found in
  const [refused, setRefused] = useState<{ problems: Problem[]; sent: InputOf[K] } | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState<'save' | 'submit' | null>(null);
  const [inReview, setInReview] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);

  const loadEntry = useCallback((signal: AbortSignal) => (editingId ? fetchEntry(kind, editingId, signal) : Promise.resolve(null)), [kind, editingId]);
  const entry = useResource(loadEntry);
  const loaded = entry.data ? (entry.data.working ?? entry.data.published) : null;

  useEffect(() => {
    const e = entry.data;
    if (!e) return;
    const doc = e.working ?? e.published;
    if (doc) setForm(fromDoc(doc));
    setInReview(e.status === 'in-review');
  }, [entry.data, fromDoc]);

  const focusProblem = (path: string) => {
    // the field itself, else the nearest enclosing one that has an anchor (`materials[0].satisfiedBy.fields[1]` → … → `materials[0]`)
    let el: HTMLElement | null | undefined = null;
    for (let p = path; !el; ) {
      el = formRef.current?.querySelector<HTMLElement>(`[data-path-anchor="${CSS.escape(p)}"]`);
      const parent = p.replace(/(\.[^.[\]]+|\[\d+\])$/, '');
      if (parent === p) break;
      p = parent;
    }
    el?.scrollIntoView({ block: 'center' });
    el?.querySelector<HTMLElement>('input:not([disabled]), select, textarea')?.focus();
  };

  const submit = async (ev: Pick<FormEvent, 'preventDefault'>, andSubmit: boolean) => {
    ev.preventDefault();
    if (!form) return;
    setBusy(andSubmit ? 'submit' : 'save');
    setError(null);
    setRefused(null);
    const body = o.toBody(form);
    try {
      const saved = await o.save(body, savedId);
      // saved: from now on the form edits that entry, even if the submit below fails
      setSavedId(saved.id);
      if (andSubmit) await workflowStep(kind, saved.id, 'submit');
      navigate(consoleEntryPath(kind, saved.id), { state: { done: andSubmit ? 'submit' : 'save' } });
    } catch (e) {
      const err = e instanceof ApiError ? e : new ApiError({ kind: 'network', message: String(e) });
      const list = problemsOf(err);
      setRefused({ problems: list, sent: body });
      setError(err);
      setBusy(null);
      // the first problem's field into view
      requestAnimationFrame(() => {
        if (list[0]) focusProblem(list[0].path);
        else formRef.current?.querySelector('[data-testid="form-problems"]')?.scrollIntoView({ block: 'center' });
      });
    }
  };

  const standing = refused && form ? standingProblems(refused.problems, refused.sent, o.toBody(form)) : [];
  // every problem of a refused save has been dealt with: nothing left to show until the next save
  const settled = refused !== null && refused.problems.length > 0 && standing.length === 0;
  return {
    kind,
    editingId,
    entry,
    loaded,
    form,
    update: (fn) => setForm((f) => (f ? fn(f) : f)),
    inReview,
    savedId,
    problems: problemIndex(standing),
    error: settled ? null : error,
    busy,
    formRef,
    focusProblem,
    submit,
  };
}

/** What the page shows until the form has its entry: the entry loading, or why it could not be loaded. */
export function EditorPending({ editor }: { editor: { entry: ResourceState<unknown> } }) {
  const { t } = useTranslation();
  const { entry } = editor;
  return <div className="page">{entry.error ? <ErrorPanel title={t('console.entryFailed')} error={entry.error} onRetry={entry.reload} /> : <Loading lines={8} />}</div>;
}

/** What the frame needs of an editor (any kind, any form). */
type FrameEditor = Pick<Editor<EditableKind, unknown>, 'kind' | 'editingId' | 'error' | 'busy' | 'inReview' | 'formRef' | 'focusProblem' | 'submit' | 'problems'>;

/**
 * The page around a catalogue form: the way back, the heading, whether the version is in review, the
 * problems of the last save above the form, and the save buttons below it.
 */
export function EditFrame({
  editor,
  testId,
  formTestId,
  formClassName,
  title,
  subtitle,
  inReviewText,
  notices,
  pathLabel,
  summary,
  children,
}: {
  editor: FrameEditor;
  testId: string;
  formTestId: string;
  formClassName: string;
  title: ReactNode;
  subtitle: ReactNode;
  inReviewText: ReactNode;
  /** banners between the heading and the form (e.g. an item's pending facts) */
  notices?: ReactNode;
  /** a problem's path in words, for the list above the form */
  pathLabel: (path: string) => string;
  /** the line beside the save buttons */
  summary: ReactNode;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  const lang = useLang();
  const { kind, editingId, error, busy, inReview, formRef, focusProblem, submit } = editor;
  const problems = editor.problems.all;
  return (
    <div className="page" data-testid={testId} data-mode={editingId ? 'edit' : 'create'}>
      <div>
        <Link to={editingId ? consoleEntryPath(kind, editingId) : `/catalog?kind=${KIND_PATH[kind]}`} className="back-link" data-testid="back-from-edit">
          <Icon name="arrowLeft" size={14} /> {editingId ? t('edit.backToEntry') : t('console.backToList')}
        </Link>
        <PageHeader title={title} subtitle={subtitle} />
      </div>
      {inReview && <Banner tone="warn" title={inReviewText} testId="edit-in-review" />}
      {notices}
      <form ref={formRef} className={`card catalog-form ${formClassName}`} noValidate onSubmit={(e) => void submit(e, false)} data-testid={formTestId}>
        <div className="card__body">
          {error && (
            <div className="form-problems" data-testid="form-problems" data-count={problems.length} data-code={error.code ?? ''}>
              {problems.length > 0 ? (
                <Banner tone="error" title={t('edit.problemsTitle', { count: problems.length })}>
                  <ul className="problem-list">
                    {problems.map((p, i) => (
                      <li key={i}>
                        <button type="button" className="link-button" onClick={() => focusProblem(p.path)}>
                          {p.path ? pathLabel(p.path) : t('edit.wholeEntry')}
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
          {children}
        </div>
        <footer className="form-actions">
          <p className="form-actions__summary muted small">{summary}</p>
          <div className="form-actions__buttons">
            <button type="submit" className="btn" disabled={busy !== null || inReview} data-testid="save-draft">
              {busy === 'save' ? t('edit.saving') : t('edit.saveDraft')}
            </button>
            <button type="button" className="btn btn--primary" disabled={busy !== null || inReview} onClick={(e) => void submit(e, true)} data-testid="save-submit">
              <Icon name="send" size={15} className={busy === 'submit' ? 'spin' : undefined} />
              {busy === 'submit' ? t('edit.submitting') : t('edit.saveSubmit')}
            </button>
          </div>
        </footer>
      </form>
    </div>
  );
}
