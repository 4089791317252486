// 导入实施清单 / Import a province's list of service items (admin): pick a CSV or JSON file (or paste
// it), check it first — a dry run that writes nothing and names every broken line and column — then
// import. All or nothing; imported items go to review, where an approver other than the importer
// approves them.
import { useRef, useState } from 'react';
import type { ChangeEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ApiError } from '../../api';
import { Icon } from '../../components/Icon';
import { Banner, Card, ErrorPanel, FieldError } from '../../components/ui';
import type { Message } from '../../components/ui';
import { importItems } from '../../catalog/api';
import type { ImportReport } from '../../catalog/api';
import { useLang } from '../../i18n';
import { PageHeader } from '../shared';

const MAX_BYTES = 5 * 1024 * 1024;

/** The CSV columns (src/catalog/import.ts ITEM_COLUMNS): header, required, i18n key of the explanation. */
const COLUMNS = [
  { zh: '实施编码', required: true, key: 'code' },
  { zh: '基本编码', required: false, key: 'basicCode' },
  { zh: '事项名称', required: true, key: 'name' },
  { zh: '实施部门', required: true, key: 'department' },
  { zh: '通办模式', required: true, key: 'modes' },
  { zh: '时限', required: true, key: 'timeLimitDays' },
  { zh: '设定依据', required: false, key: 'legalBasis' },
  { zh: '受理条件', required: false, key: 'conditions' },
  { zh: '办理流程', required: false, key: 'process' },
  { zh: '收费标准', required: false, key: 'fee' },
  { zh: '咨询方式', required: false, key: 'contact' },
  { zh: '办理地点', required: false, key: 'location' },
  { zh: '申请材料', required: false, key: 'materials' },
  { zh: '来源', required: false, key: 'source' },
] as const;

export const SAMPLE_CSV = [
  '实施编码,事项名称,实施部门,通办模式,时限,受理条件,办理流程,收费标准,咨询方式,申请材料,来源',
  'SH-GA-0001,户口迁移(夫妻投靠),上海市公安局,多地联办;异地代收代办,20,"夫妻一方户籍在本市,婚姻关系满一定年限","1. 迁入地受理\n2. 迁出地核验\n3. 迁入地办结",不收费,12345,"居民身份证=resource:hukou.person(name,birthDate)\n结婚证=resource:340000:marriage.record\n户口迁移申请表",上海市实施清单(示例)',
].join('\r\n');

function formatOf(name: string, content: string): 'csv' | 'json' {
  if (/\.json$/i.test(name)) return 'json';
  if (/\.csv$/i.test(name)) return 'csv';
  return /^\s*[[{]/.test(content) ? 'json' : 'csv';
}

export function ImportPage() {
  const { t } = useTranslation();
  const lang = useLang();
  const [content, setContent] = useState('');
  const [fileName, setFileName] = useState('');
  const [source, setSource] = useState('');
  const [format, setFormat] = useState<'csv' | 'json'>('csv');
  const [report, setReport] = useState<ImportReport | null>(null);
  const [checked, setChecked] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState<'check' | 'import' | null>(null);
  const [fileError, setFileError] = useState<Message | null>(null);
  // the browser's own file input speaks the browser's language ("Choose File / No file chosen"): it is
  // hidden, and opened by a button in the page's language next to the name of the file chosen
  const fileInput = useRef<HTMLInputElement>(null);

  const reset = () => {
    setReport(null);
    setChecked(null);
    setError(null);
  };

  const onFile = async (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    setFileError(null);
    reset();
    if (!file) return;
    if (file.size > MAX_BYTES) {
      setFileError({ key: 'import.tooLarge' });
      return;
    }
    const text = await file.text();
    // the same file chosen again (after editing it) is read again
    e.target.value = '';
    setContent(text);
    setFileName(file.name);
    setFormat(formatOf(file.name, text));
    if (!source) setSource(file.name);
  };

  const run = async (dryRun: boolean) => {
    setBusy(dryRun ? 'check' : 'import');
    setError(null);
    try {
      const r = await importItems({ format, content, source: source.trim() || fileName || t('import.pasted'), dryRun });
      setReport(r);
      setChecked(dryRun && r.ok ? `${format}\n${content}` : null);
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError({ kind: 'network', message: String(err) }));
      setReport(null);
    } finally {
      setBusy(null);
    }
  };

  // the file's lines, to show the one a problem names (CSV: line numbers are the file's)
  const lines = content.split(/\r?\n/);
  const canImport = checked === `${format}\n${content}` && report?.ok && report.dryRun;
  const sampleHref = `data:text/csv;charset=utf-8,${encodeURIComponent(`\ufeff${SAMPLE_CSV}`)}`;

  return (
    <div className="page" data-testid="page-import">
      <div>
        <Link to="/catalog?kind=items" className="back-link">
          <Icon name="arrowLeft" size={14} /> {t('console.backToList')}
        </Link>
        <PageHeader title={t('import.title')} subtitle={t('import.subtitle')} />
      </div>
      <div className="entry-layout">
        <div className="entry-layout__main">
          <Card title={t('import.fileTitle')}>
            <div className="import-form">
              <div className="field">
                <span className="field__label" id="import-file-label">
                  {t('import.file')}
                </span>
                <div className="file-pick">
                  <input ref={fileInput} id="import-file" type="file" accept=".csv,.json,text/csv,application/json" hidden onChange={(e) => void onFile(e)} data-testid="import-file" />
                  <button type="button" className="btn" onClick={() => fileInput.current?.click()} aria-describedby="import-file-label import-file-name" data-testid="import-file-button">
                    <Icon name="upload" size={15} /> {t('import.chooseFile')}
                  </button>
                  <span id="import-file-name" className={fileName ? 'file-pick__name' : 'file-pick__name muted'} data-testid="import-file-name" title={fileName || undefined}>
                    {fileName || t('import.noFile')}
                  </span>
                </div>
                <span className="form-hint">{t('import.fileHint')}</span>
                <FieldError message={fileError} />
              </div>
              <div className="field-row">
                <div className="field">
                  <label className="field__label" htmlFor="import-format">
                    {t('import.format')}
                  </label>
                  <select id="import-format" className="input select" value={format} onChange={(e) => {
                      setFormat(e.target.value as 'csv' | 'json');
                      reset();
                    }} data-testid="import-format">
                    <option value="csv">CSV</option>
                    <option value="json">JSON</option>
                  </select>
                </div>
                <div className="field">
                  <label className="field__label" htmlFor="import-source">
                    {t('import.source')}
                  </label>
                  <input id="import-source" className="input" value={source} maxLength={200} placeholder={t('import.sourcePlaceholder')} onChange={(e) => setSource(e.target.value)} data-testid="import-source" />
                </div>
              </div>
              <div className="field">
                <label className="field__label" htmlFor="import-content">
                  {t('import.content')} {fileName && <span className="muted small">{fileName}</span>}
                </label>
                <textarea
                  id="import-content"
                  className="input textarea mono import-content"
                  rows={8}
                  value={content}
                  spellCheck={false}
                  placeholder={t('import.contentPlaceholder')}
                  onChange={(e) => {
                    setContent(e.target.value);
                    reset();
                  }}
                  data-testid="import-content"
                />
              </div>
            </div>
          </Card>
          <div className="step-bar card">
            <div className="step-bar__buttons">
              <button type="button" className="btn" disabled={!content.trim() || busy !== null} onClick={() => void run(true)} data-testid="import-check">
                <Icon name="check" size={15} className={busy === 'check' ? 'spin' : undefined} /> {t('import.check')}
              </button>
              <button type="button" className="btn btn--primary" disabled={!canImport || busy !== null} onClick={() => void run(false)} data-testid="import-run">
                <Icon name="send" size={15} className={busy === 'import' ? 'spin' : undefined} /> {t('import.run')}
              </button>
              <span className="muted small">{canImport ? t('import.readyHint', { count: report?.count ?? 0 }) : t('import.checkFirst')}</span>
            </div>
          </div>

          {error && (
            <div data-testid="import-error" data-code={error.code ?? ''}>
              <ErrorPanel title={t('import.failed')} error={error} />
              {typeof error.detail === 'string' && <p className="muted small form-error__detail">{error.detail}</p>}
            </div>
          )}

          {report && !report.ok && (
            <Card title={t('import.problemsTitle', { count: report.problems.length })} flush testId="import-problems">
              <div className="card-banner">
                <Banner tone="error" title={t('import.nothingImported')} />
              </div>
              <div className="table-wrap">
                <table className="table table--cards" data-testid="import-problem-table">
                  <thead>
                    <tr>
                      <th className="col-line">{report.format === 'json' ? t('import.item') : t('import.line')}</th>
                      <th className="col-column">{report.format === 'json' ? t('import.fieldPath') : t('import.column')}</th>
                      <th>{t('import.problem')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {report.problems.map((p, i) => (
                      <tr key={i} data-testid={`import-problem-${i}`} data-line={p.line} data-column={p.column ?? ''}>
                        <td data-label={report.format === 'json' ? t('import.item') : t('import.line')} className="num strong">
                          {p.line === 0 ? '—' : p.line}
                        </td>
                        <td data-label={report.format === 'json' ? t('import.fieldPath') : t('import.column')}>{p.column ? <code>{p.column}</code> : <span className="muted">—</span>}</td>
                        <td data-label={t('import.problem')}>
                          {lang === 'en' ? p.message : p.messageZh}
                          {report.format === 'csv' && p.line > 0 && lines[p.line - 1] !== undefined && (
                            <code className="import-line" title={lines[p.line - 1]}>
                              {lines[p.line - 1]}
                            </code>
                          )}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </Card>
          )}

          {report && report.ok && (
            <Card
              title={report.dryRun ? t('import.checkedTitle', { count: report.count }) : t('import.doneTitle', { count: report.count })}
              flush
              testId="import-report"
            >
              <div className="card-banner" data-testid={report.dryRun ? 'import-dry-ok' : 'import-done'} data-count={report.count}>
                <Banner tone="ok" title={report.dryRun ? t('import.dryOk') : t('import.done')}>
                  {report.dryRun ? (
                    t('import.dryOkBody')
                  ) : (
                    <>
                      {t('import.doneBody')} <Link to="/catalog?kind=items&status=in-review">{t('import.toReview')}</Link>
                    </>
                  )}
                </Banner>
              </div>
              <div className="table-wrap">
                <table className="table table--cards" data-testid="import-items-table">
                  <thead>
                    <tr>
                      <th className="col-line">{report.format === 'json' ? t('import.item') : t('import.line')}</th>
                      <th className="col-column">{t('import.code')}</th>
                      <th>{t('import.name')}</th>
                      <th className="col-status">{t('import.action')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {report.items.map((it) => (
                      <tr key={it.code}>
                        <td data-label={t('import.line')} className="num">
                          {it.line}
                        </td>
                        <td data-label={t('import.code')}>
                          <code className="break-all">{it.code}</code>
                        </td>
                        <td data-label={t('import.name')}>{it.name}</td>
                        <td data-label={t('import.action')}>{t(`import.actions.${it.action}`)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </Card>
          )}
        </div>
        <aside className="entry-layout__side">
          <Card title={t('import.columnsTitle')} testId="import-columns">
            <p className="small muted">{t('import.columnsIntro')}</p>
            <dl className="columns-help">
              {COLUMNS.map((c) => (
                <div key={c.key} className="columns-help__row">
                  <dt>
                    {c.zh} {c.required && <span className="req">*</span>}
                  </dt>
                  <dd>{t(`import.col.${c.key}`)}</dd>
                </div>
              ))}
            </dl>
            <a className="btn btn--small" href={sampleHref} download="实施清单-示例.csv" data-testid="import-sample">
              {t('import.sample')}
            </a>
          </Card>
        </aside>
      </div>
    </div>
  );
}
