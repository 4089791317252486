// How a catalogue entry reads: a data resource's catalogue card, a service item's 办事指南 with its
// materials, a certificate type. Used by the portal (directory entries of any region) and by the
// console (the version in force and the one under review).
import { useCallback } from 'react';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { Icon } from '../components/Icon';
import { Banner, Card, DescList, Tag, Time } from '../components/ui';
import { pick, useLang } from '../i18n';
import { useResource } from '../useResource';
import { cachedDirectoryEntry, cachedElements, GUIDE_KEYS, resourceRef, searchDirectory } from './api';
import type { CertificateTypeDoc, DataElement, ItemDoc, Material, ResourceDoc } from './api';
import { GradeTag, ModeTags, SharingTag, useRegionName } from './labels';

export function portalResourcePath(region: string, id: string): string {
  return `/portal/resources/${encodeURIComponent(region)}/${encodeURIComponent(id)}`;
}
export function portalItemPath(region: string, code: string): string {
  return `/portal/items/${encodeURIComponent(region)}/${encodeURIComponent(code)}`;
}
export function portalCertificatePath(region: string, code: string): string {
  return `/portal/certificate-types/${encodeURIComponent(region)}/${encodeURIComponent(code)}`;
}

/** The standard elements by code (for names); an empty map where the server has no catalogue (the hub). */
function useElements(): Map<string, DataElement> {
  const load = useCallback(() => cachedElements().catch(() => [] as DataElement[]), []);
  const { data } = useResource(load);
  return new Map((data ?? []).map((e) => [e.code, e]));
}

function Paragraphs({ text }: { text: string }) {
  return <div className="prewrap">{text}</div>;
}

// ---- data resource ------------------------------------------------------------------------------------

export function ResourceFieldsTable({ doc }: { doc: ResourceDoc }) {
  const { t } = useTranslation();
  const lang = useLang();
  const elements = useElements();
  return (
    <div className="table-wrap">
      <table className="table table--cards fields-table" data-testid="resource-fields">
        <thead>
          <tr>
            <th className="col-field">{t('resourceCard.field')}</th>
            <th>{t('resourceCard.element')}</th>
            <th className="col-sensitivity">{t('resourceCard.sensitivity')}</th>
          </tr>
        </thead>
        <tbody>
          {doc.fields.map((f) => {
            const el = elements.get(f.element);
            return (
              <tr key={f.name} data-testid={`resource-field-${f.name}`}>
                <td data-label={t('resourceCard.field')}>
                  <span className="strong">{pick(f.label, lang)}</span> <code className="muted small">{f.name}</code>
                </td>
                <td data-label={t('resourceCard.element')}>
                  <span className="element-ref">
                    <code className="element-ref__code">{f.element}</code>
                    {el && <span className="element-ref__name">{pick(el.name, lang)}</span>}
                    {el?.standard && <span className="element-ref__std muted small">{el.standard}</span>}
                  </span>
                </td>
                <td data-label={t('resourceCard.sensitivity')}>
                  {f.sensitivity === 'sensitive' ? (
                    <Tag tone="warn" dot={false} title={t('resourceCard.sensitiveHint')}>
                      {t('enums.sensitivity.sensitive')}
                    </Tag>
                  ) : (
                    <span className="muted">{t('enums.sensitivity.general')}</span>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

export function ResourceSharing({ doc }: { doc: ResourceDoc }) {
  const { t } = useTranslation();
  const s = doc.sharing;
  return (
    <div className="sharing" data-testid="resource-sharing" data-sharing={s.type}>
      <div className="sharing__type">
        <SharingTag type={s.type} />
        <span className="muted small">{t(`resourceCard.sharingExplain.${s.type}`)}</span>
      </div>
      {s.condition && (
        <div className="sharing__condition">
          <div className="subhead">{s.type === 'none' ? t('resourceCard.basis') : t('resourceCard.condition')}</div>
          <Paragraphs text={s.condition} />
        </div>
      )}
      <div className="subhead">{t('resourceCard.methods')}</div>
      <div className="tags" data-testid="resource-methods">
        {s.methods.length === 0 ? <span className="muted">—</span> : s.methods.map((m) => <Tag key={m} tone="neutral" dot={false}>{t(`enums.method.${m}`)}</Tag>)}
      </div>
    </div>
  );
}

export function ResourceFacts({ doc, regionName, showAdapter }: { doc: ResourceDoc; regionName?: string; showAdapter?: boolean }) {
  const { t } = useTranslation();
  const items: Array<{ key: string; label: ReactNode; value: ReactNode }> = [];
  if (regionName) items.push({ key: 'region', label: t('resourceCard.region'), value: regionName });
  items.push(
    {
      key: 'department',
      label: t('resourceCard.department'),
      value: (
        <span data-testid="resource-department">
          {doc.department.name}
          {doc.department.code && <code className="muted small"> {doc.department.code}</code>}
        </span>
      ),
    },
    { key: 'subject', label: t('resourceCard.subject'), value: t(`enums.subject.${doc.subjectType}`) },
    {
      key: 'classification',
      label: t('resourceCard.classification'),
      value: (
        <span data-testid="resource-classification">
          {t(`enums.tier.${doc.classification.tier}`)} · {doc.classification.category}
        </span>
      ),
    },
    {
      key: 'grade',
      label: t('resourceCard.grade'),
      value: (
        <span data-testid="resource-grade" data-grade={doc.classification.grade}>
          <GradeTag grade={doc.classification.grade} />
        </span>
      ),
    },
    { key: 'cycle', label: t('resourceCard.updateCycle'), value: <span data-testid="resource-update-cycle">{t(`enums.cycle.${doc.updateCycle}`)}</span> },
    { key: 'system', label: t('resourceCard.sourceSystem'), value: <span data-testid="resource-source-system">{doc.source.system}</span> },
  );
  if (showAdapter) items.push({ key: 'adapter', label: t('resourceCard.adapter'), value: <code>{doc.source.adapter}</code> });
  items.push(
    { key: 'id', label: t('resourceCard.id'), value: <code className="break-all">{doc.id}</code> },
    { key: 'version', label: t('resourceCard.version'), value: t('resourceCard.versionValue', { version: doc.version }) },
  );
  if (doc.publishedAt) items.push({ key: 'published', label: t('resourceCard.publishedAt'), value: <Time value={doc.publishedAt} /> });
  return <DescList items={items} />;
}

/** The whole catalogue card of a resource: summary, fields, sharing, facts. */
export function ResourceDetails({ doc, regionName, showAdapter }: { doc: ResourceDoc; regionName?: string; showAdapter?: boolean }) {
  const { t } = useTranslation();
  return (
    <div className="detail-layout">
      <div className="detail-layout__main">
        <Card title={t('resourceCard.summary')} testId="resource-summary">
          <Paragraphs text={doc.summary || '—'} />
        </Card>
        <Card title={<>{t('resourceCard.fields')} <span className="muted small">{t('resourceCard.fieldCount', { count: doc.fields.length })}</span></>} flush>
          <ResourceFieldsTable doc={doc} />
        </Card>
      </div>
      <div className="detail-layout__side">
        <Card title={t('resourceCard.sharing')}>
          <ResourceSharing doc={doc} />
        </Card>
        <Card title={t('resourceCard.facts')} testId="resource-facts">
          <ResourceFacts doc={doc} {...(regionName ? { regionName } : {})} {...(showAdapter ? { showAdapter } : {})} />
        </Card>
      </div>
    </div>
  );
}

// ---- service item ------------------------------------------------------------------------------------

function ResourceSupply({ material, region }: { material: Material & { satisfiedBy: { kind: 'resource' } }; region: string }) {
  const { t } = useTranslation();
  const lang = useLang();
  const regionName = useRegionName();
  const ref = resourceRef(material.satisfiedBy.resource, region);
  const load = useCallback(() => cachedDirectoryEntry(ref.region, 'resource', ref.id), [ref.region, ref.id]);
  const entry = useResource(load);
  const doc = entry.data?.content;
  const fieldLabels = material.satisfiedBy.fields?.map((f) => {
    const def = doc?.fields.find((x) => x.name === f);
    return def ? pick(def.label, lang) : f;
  });
  return (
    <div className="supply" data-testid="material-supply" data-kind="resource" data-region={ref.region} data-resource={ref.id}>
      <Icon name="database" size={15} className="supply__icon" />
      <div className="supply__text">
        <div>
          {t('guide.suppliedBy')}{' '}
          <span className="supply__who">
            <span data-testid="supply-region">{regionName(ref.region, entry.data?.region.name)}</span>
            <span className="supply__sep">·</span>
            <span data-testid="supply-department">{doc ? doc.department.name : entry.error ? t('guide.resourceUnknown') : t('common.loading')}</span>
          </span>
        </div>
        <div>
          <Link to={portalResourcePath(ref.region, ref.id)} data-testid="supply-link">
            {doc ? pick(doc.name, lang) : ref.id}
          </Link>
          {fieldLabels && fieldLabels.length > 0 && <span className="muted small"> · {t('guide.suppliedFields', { fields: fieldLabels.join(t('common.listSep')) })}</span>}
        </div>
        {entry.error && !doc && <div className="muted small">{t('guide.resourceNotInDirectory', { ref: material.satisfiedBy.resource })}</div>}
      </div>
    </div>
  );
}

function CertificateSupply({ code }: { code: string }) {
  const { t } = useTranslation();
  const regionName = useRegionName();
  const load = useCallback(async (signal: AbortSignal) => {
    const r = await searchDirectory({ q: code, kind: 'certificate-type', pageSize: 10 }, signal);
    return r.hits.find((h) => h.id === code) ?? null;
  }, [code]);
  const hit = useResource(load);
  return (
    <div className="supply" data-testid="material-supply" data-kind="certificate" data-certificate-type={code}>
      <Icon name="seal" size={15} className="supply__icon" />
      <div className="supply__text">
        <div>{t('guide.satisfiedByCertificate')}</div>
        <div>
          {hit.data ? (
            <Link to={portalCertificatePath(hit.data.region.code, code)} data-testid="supply-link">
              {hit.data.name}
            </Link>
          ) : (
            <span>{t('guide.certificateType')}</span>
          )}{' '}
          <code className="muted small">{code}</code>
          {hit.data && (
            <span className="muted small">
              {' '}
              · {hit.data.department} · {regionName(hit.data.region.code, hit.data.region.name)}
            </span>
          )}
        </div>
      </div>
    </div>
  );
}

export function MaterialList({ materials, region }: { materials: Material[]; region: string }) {
  const { t } = useTranslation();
  if (materials.length === 0) return <p className="muted pad">{t('guide.noMaterials')}</p>;
  return (
    <ol className="materials" data-testid="materials">
      {materials.map((m, i) => {
        const exempt = m.satisfiedBy !== null;
        return (
          <li key={`${i}-${m.name}`} className={exempt ? 'material is-exempt' : 'material'} data-testid={`material-${i}`} data-exempt={String(exempt)}>
            <div className="material__head">
              <span className="material__no" aria-hidden="true">
                {i + 1}
              </span>
              <span className="material__name" data-testid="material-name">
                {m.name}
              </span>
              <span className="material__tags">
                {!m.required && (
                  <Tag tone="neutral" dot={false}>
                    {t('guide.optional')}
                  </Tag>
                )}
                {exempt ? (
                  <span data-testid="material-exempt">
                    <Tag tone="ok">{t('guide.exempt')}</Tag>
                  </span>
                ) : (
                  <span data-testid="material-upload">
                    <Tag tone="warn" dot={false}>
                      {t('guide.upload')}
                    </Tag>
                  </span>
                )}
              </span>
            </div>
            <div className="material__body">
              {m.satisfiedBy?.kind === 'resource' ? (
                <ResourceSupply material={m as Material & { satisfiedBy: { kind: 'resource'; resource: string } }} region={region} />
              ) : m.satisfiedBy?.kind === 'certificate' ? (
                <CertificateSupply code={m.satisfiedBy.certificateType} />
              ) : (
                <p className="muted small">{t('guide.uploadHint')}</p>
              )}
              {m.note && <p className="material__note small">{m.note}</p>}
            </div>
          </li>
        );
      })}
    </ol>
  );
}

export function ItemFacts({ doc }: { doc: ItemDoc }) {
  const { t } = useTranslation();
  const pending = new Set(doc.pending ?? []);
  const exempt = doc.materials.filter((m) => m.satisfiedBy !== null).length;
  return (
    <div className="facts" data-testid="item-facts">
      <div className="fact">
        <div className="fact__label">{t('guide.modes')}</div>
        <div className="fact__value" data-testid="item-modes">
          {pending.has('modes') || doc.modes.length === 0 ? <span className="muted">{t('guide.notSetYet')}</span> : <ModeTags modes={doc.modes} />}
        </div>
      </div>
      <div className="fact">
        <div className="fact__label">{t('guide.timeLimit')}</div>
        <div className="fact__value" data-testid="item-time-limit">
          {pending.has('timeLimitDays') || doc.timeLimitDays === 0 ? (
            <span className="muted">{t('guide.notSetYet')}</span>
          ) : (
            <span className="fact__num">{t('guide.workingDays', { count: doc.timeLimitDays })}</span>
          )}
        </div>
      </div>
      <div className="fact">
        <div className="fact__label">{t('guide.fee')}</div>
        <div className="fact__value" data-testid="item-fee">
          {doc.guide.fee ? doc.guide.fee : <span className="muted">{t('guide.notGiven')}</span>}
        </div>
      </div>
      <div className="fact">
        <div className="fact__label">{t('guide.materials')}</div>
        <div className="fact__value" data-testid="item-material-count">
          {t('guide.materialCount', { count: doc.materials.length })}
          {exempt > 0 && <span className="fact__exempt"> · {t('guide.exemptCount', { count: exempt })}</span>}
        </div>
      </div>
    </div>
  );
}

/** Where an item comes from (also shown, read-only, in the item form: a new item's origin is regional). */
export function ItemOrigin({ doc }: { doc: Pick<ItemDoc, 'origin'> }) {
  const { t } = useTranslation();
  const national = doc.origin.kind === 'national-confirmed';
  return (
    <div className={national ? 'origin origin--national' : 'origin'} data-testid="item-origin" data-origin={doc.origin.kind}>
      <Icon name={national ? 'seal' : 'document'} size={16} className="origin__icon" />
      <div>
        <div className="origin__title">{national ? t('guide.originNational') : t('guide.originRegional')}</div>
        <div className="origin__source small">
          {t('guide.originSource')} {doc.origin.source}
        </div>
      </div>
    </div>
  );
}

/** The guide's text sections, in the order a citizen reads them. */
export function ItemGuideText({ doc }: { doc: ItemDoc }) {
  const { t } = useTranslation();
  const keys = GUIDE_KEYS.filter((k) => k !== 'fee' && doc.guide[k]);
  if (keys.length === 0) return <p className="muted">{t('guide.noGuide')}</p>;
  return (
    <dl className="guide-text" data-testid="item-guide-text">
      {keys.map((k) => (
        <div className="guide-text__row" key={k} data-testid={`guide-${k}`}>
          <dt>{t(`guide.section.${k}`)}</dt>
          <dd>
            <Paragraphs text={doc.guide[k] ?? ''} />
          </dd>
        </div>
      ))}
    </dl>
  );
}

export function ItemCodes({ doc }: { doc: ItemDoc }) {
  const { t } = useTranslation();
  return (
    <DescList
      items={[
        {
          key: 'code',
          label: doc.codeKind === 'implementation' ? t('guide.implementationCode') : t('guide.localCode'),
          value: (
            <span>
              <code className="break-all" data-testid="item-code">
                {doc.code}
              </code>
              {doc.codeKind === 'local' && <span className="muted small"> {t('guide.localCodeHint')}</span>}
            </span>
          ),
        },
        ...(doc.basicCode ? [{ key: 'basic', label: t('guide.basicCode'), value: <code className="break-all">{doc.basicCode}</code> }] : []),
        { key: 'department', label: t('guide.department'), value: <span data-testid="item-department">{doc.department}</span> },
        { key: 'version', label: t('resourceCard.version'), value: t('resourceCard.versionValue', { version: doc.version }) },
        ...(doc.publishedAt ? [{ key: 'published', label: t('resourceCard.publishedAt'), value: <Time value={doc.publishedAt} /> }] : []),
      ]}
    />
  );
}

/** An item's whole 办事指南. */
export function ItemGuide({ doc, region }: { doc: ItemDoc; region: string }) {
  const { t } = useTranslation();
  const exempt = doc.materials.filter((m) => m.satisfiedBy !== null).length;
  return (
    <div className="guide-layout">
      <ItemFacts doc={doc} />
      {doc.pending && doc.pending.length > 0 && (
        <Banner tone="info" title={t('guide.pendingTitle')} testId="item-pending">
          {t('guide.pendingBody')}
        </Banner>
      )}
      <div className="detail-layout">
        <div className="detail-layout__main">
          <Card
            title={
              <>
                {t('guide.materialsTitle')} {exempt > 0 && <span className="muted small">{t('guide.exemptSummary', { count: exempt })}</span>}
              </>
            }
            flush
            testId="item-materials"
          >
            <MaterialList materials={doc.materials} region={region} />
          </Card>
          <Card title={t('guide.guideTitle')}>
            <ItemGuideText doc={doc} />
          </Card>
        </div>
        <div className="detail-layout__side">
          <Card title={t('guide.originTitle')}>
            <ItemOrigin doc={doc} />
          </Card>
          <Card title={t('guide.codesTitle')}>
            <ItemCodes doc={doc} />
          </Card>
        </div>
      </div>
    </div>
  );
}

// ---- certificate type ------------------------------------------------------------------------------

export function CertificateTypeDetails({ doc, regionName }: { doc: CertificateTypeDoc; regionName?: string }) {
  const { t } = useTranslation();
  const lang = useLang();
  const elements = useElements();
  const validity =
    doc.validity.kind === 'fixed-term' ? t('certificateCard.validityYears', { count: doc.validity.years ?? 0 }) : t(`certificateCard.validity.${doc.validity.kind}`);
  return (
    <div className="detail-layout">
      <div className="detail-layout__main">
        <Card title={t('certificateCard.elements')} flush>
          <div className="table-wrap">
            <table className="table table--cards" data-testid="certificate-elements">
              <thead>
                <tr>
                  <th>{t('resourceCard.element')}</th>
                  <th className="col-sensitivity">{t('certificateCard.required')}</th>
                </tr>
              </thead>
              <tbody>
                {doc.elements.map((e) => {
                  const el = elements.get(e.element);
                  return (
                    <tr key={e.element}>
                      <td data-label={t('resourceCard.element')}>
                        <span className="element-ref">
                          <code className="element-ref__code">{e.element}</code>
                          {el && <span className="element-ref__name">{pick(el.name, lang)}</span>}
                        </span>
                      </td>
                      <td data-label={t('certificateCard.required')}>{e.required ? t('certificateCard.yes') : <span className="muted">{t('certificateCard.no')}</span>}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        </Card>
      </div>
      <div className="detail-layout__side">
        <Card title={t('resourceCard.facts')}>
          <DescList
            items={[
              ...(regionName ? [{ key: 'region', label: t('resourceCard.region'), value: regionName }] : []),
              { key: 'code', label: t('certificateCard.code'), value: <code className="break-all">{doc.code}</code> },
              { key: 'authority', label: t('certificateCard.authority'), value: doc.definingAuthority.name },
              { key: 'uscc', label: t('certificateCard.uscc'), value: <code>{doc.definingAuthority.uscc}</code> },
              { key: 'validity', label: t('certificateCard.validityLabel'), value: validity },
              { key: 'version', label: t('resourceCard.version'), value: t('resourceCard.versionValue', { version: doc.version }) },
              ...(doc.publishedAt ? [{ key: 'published', label: t('resourceCard.publishedAt'), value: <Time value={doc.publishedAt} /> }] : []),
            ]}
          />
        </Card>
      </div>
    </div>
  );
}
