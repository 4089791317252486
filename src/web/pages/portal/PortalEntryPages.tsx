// The portal's entry pages, one directory entry each (from /api/directory/entries/:region/:kind/:id):
// a data resource's catalogue card, a service item's 办事指南, a certificate type. Public; citizens read
// the guide on phones.
import { useCallback } from 'react';
import type { MouseEvent, ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { Icon } from '../../components/Icon';
import { ErrorPanel, Loading } from '../../components/ui';
import { fetchDirectoryEntry } from '../../catalog/api';
import type { DirectoryEntry, DirectoryKind, DocOf } from '../../catalog/api';
import { KindTag, ModeTags, SharingTag, useRegionName } from '../../catalog/labels';
import { CertificateTypeDetails, ItemGuide, ResourceDetails } from '../../catalog/views';
import { pick, useLang } from '../../i18n';
import { useResource } from '../../useResource';

function BackToPortal() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  // back to the search the visitor came from (its filters are in that URL), else to a fresh one
  const onClick = (e: MouseEvent) => {
    const idx = (window.history.state as { idx?: number } | null)?.idx ?? 0;
    if (idx > 0) {
      e.preventDefault();
      navigate(-1);
    }
  };
  return (
    <Link to="/portal" className="back-link" onClick={onClick} data-testid="back-to-portal">
      <Icon name="arrowLeft" size={14} /> {t('portal.back')}
    </Link>
  );
}

function EntryHeader({ kind, title, subtitle, region, extra }: { kind: DirectoryKind; title: ReactNode; subtitle?: ReactNode; region: { code: string; name: string }; extra?: ReactNode }) {
  const regionName = useRegionName();
  return (
    <div className="entry-head">
      <BackToPortal />
      <div className="entry-head__meta">
        <KindTag kind={kind} />
        <span className="entry-head__region" data-testid="entry-region" data-region={region.code}>
          <Icon name="globe" size={13} /> {regionName(region.code, region.name)}
        </span>
        {extra}
      </div>
      <h1 className="entry-head__title" data-testid="entry-title">
        {title}
      </h1>
      {subtitle && <p className="entry-head__subtitle">{subtitle}</p>}
    </div>
  );
}

function useEntry<K extends DirectoryKind>(kind: K) {
  const params = useParams();
  const region = params.region ?? '';
  const id = params.id ?? '';
  const load = useCallback((signal: AbortSignal) => fetchDirectoryEntry(region, kind, id, signal), [region, kind, id]);
  return { region, id, ...useResource<DirectoryEntry<DocOf[K]>>(load) };
}

function EntryState({ loading, error, reload, notFoundKey }: { loading: boolean; error: ReturnType<typeof useEntry>['error']; reload: () => void; notFoundKey: 'portal.resourceNotFound' | 'portal.itemNotFound' | 'portal.certificateNotFound' }) {
  const { t } = useTranslation();
  if (loading) return <Loading lines={6} />;
  if (error) {
    return (
      <>
        <BackToPortal />
        <ErrorPanel title={error.status === 404 ? t(notFoundKey) : t('portal.entryFailed')} error={error} {...(error.status === 404 ? {} : { onRetry: reload })} />
      </>
    );
  }
  return null;
}

export function PortalResourcePage() {
  const { t } = useTranslation();
  const lang = useLang();
  const regionName = useRegionName();
  const e = useEntry('resource');
  const doc = e.data?.content;
  return (
    <div className="page portal-entry" data-testid="page-portal-resource" data-region={e.region} data-id={e.id}>
      {!doc ? (
        <EntryState loading={e.loading} error={e.error} reload={e.reload} notFoundKey="portal.resourceNotFound" />
      ) : (
        <>
          <EntryHeader
            kind="resource"
            title={pick(doc.name, lang)}
            subtitle={lang === 'en' ? doc.name.zh : doc.name.en}
            region={e.data!.region}
            extra={
              <>
                <span className="entry-head__dept" data-testid="entry-department">
                  {doc.department.name}
                </span>
                <SharingTag type={doc.sharing.type} />
              </>
            }
          />
          <ResourceDetails doc={doc} regionName={regionName(e.data!.region.code, e.data!.region.name)} />
          <p className="muted small portal-entry__note">{t('portal.resourceNote')}</p>
        </>
      )}
    </div>
  );
}

export function PortalItemPage() {
  const e = useEntry('item');
  const doc = e.data?.content;
  return (
    <div className="page portal-entry" data-testid="page-portal-item" data-region={e.region} data-id={e.id}>
      {!doc ? (
        <EntryState loading={e.loading} error={e.error} reload={e.reload} notFoundKey="portal.itemNotFound" />
      ) : (
        <>
          <EntryHeader
            kind="item"
            title={doc.name}
            region={e.data!.region}
            extra={
              <>
                <span className="entry-head__dept" data-testid="entry-department">
                  {doc.department}
                </span>
                <ModeTags modes={doc.modes} />
              </>
            }
          />
          <ItemGuide doc={doc} region={e.data!.region.code} />
        </>
      )}
    </div>
  );
}

export function PortalCertificatePage() {
  const lang = useLang();
  const regionName = useRegionName();
  const e = useEntry('certificate-type');
  const doc = e.data?.content;
  return (
    <div className="page portal-entry" data-testid="page-portal-certificate" data-region={e.region} data-id={e.id}>
      {!doc ? (
        <EntryState loading={e.loading} error={e.error} reload={e.reload} notFoundKey="portal.certificateNotFound" />
      ) : (
        <>
          <EntryHeader
            kind="certificate-type"
            title={pick(doc.name, lang)}
            subtitle={lang === 'en' ? doc.name.zh : doc.name.en}
            region={e.data!.region}
            extra={<span className="entry-head__dept">{doc.definingAuthority.name}</span>}
          />
          <CertificateTypeDetails doc={doc} regionName={regionName(e.data!.region.code, e.data!.region.name)} />
        </>
      )}
    </div>
  );
}
