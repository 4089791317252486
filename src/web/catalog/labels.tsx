// Wording and tones of the catalogue's vocabularies (sharing types, modes, grades, statuses…), shared by
// the portal and the console, and the small tags that show them.
import { useTranslation } from 'react-i18next';
import { Tag } from '../components/ui';
import type { Tone } from '../components/ui';
import type { CrossMode, DataGrade, DirectoryKind, EntryStatus, SharingType } from './api';

const sharingTone: Record<SharingType, Tone> = { unconditional: 'ok', conditional: 'info', none: 'neutral' };

export function SharingTag({ type }: { type: SharingType }) {
  const { t } = useTranslation();
  return (
    <span data-testid="sharing-tag" data-sharing={type}>
      <Tag tone={sharingTone[type] ?? 'neutral'}>{t(`enums.sharing.${type}`)}</Tag>
    </span>
  );
}

export function ModeTags({ modes, testId }: { modes: readonly CrossMode[]; testId?: string }) {
  const { t } = useTranslation();
  if (modes.length === 0) return null;
  return (
    <span className="tags" data-testid={testId}>
      {modes.map((m) => (
        <Tag key={m} tone="brand" dot={false}>
          {t(`enums.mode.${m}`)}
        </Tag>
      ))}
    </span>
  );
}

const statusTone: Record<EntryStatus, Tone> = { draft: 'neutral', 'in-review': 'warn', published: 'ok', retired: 'error' };

export function StatusTag({ status, testId }: { status: EntryStatus; testId?: string }) {
  const { t } = useTranslation();
  return (
    <span data-testid={testId} data-status={status} className="status-tag">
      <Tag tone={statusTone[status] ?? 'neutral'}>{t(`enums.status.${status}`)}</Tag>
    </span>
  );
}

const gradeTone: Record<DataGrade, Tone> = { general: 'neutral', important: 'warn', core: 'error' };

export function GradeTag({ grade }: { grade: DataGrade }) {
  const { t } = useTranslation();
  return (
    <Tag tone={gradeTone[grade] ?? 'neutral'} dot={false}>
      {t(`enums.grade.${grade}`)}
    </Tag>
  );
}

const kindTone: Record<DirectoryKind, Tone> = { resource: 'info', 'certificate-type': 'ok', item: 'brand' };

export function KindTag({ kind }: { kind: DirectoryKind }) {
  const { t } = useTranslation();
  return (
    <Tag tone={kindTone[kind] ?? 'neutral'} dot={false}>
      {t(`enums.kind.${kind}`)}
    </Tag>
  );
}

/** The facet labels the search API sends are Chinese; the UI shows its own wording for the closed vocabularies. */
export function useFacetLabel(): (facet: 'region' | 'department' | 'kind' | 'sharing' | 'mode', value: string, serverLabel: string) => string {
  const { t, i18n } = useTranslation();
  return (facet, value, serverLabel) => {
    if (facet === 'kind' && i18n.exists(`enums.kind.${value}`)) return t(`enums.kind.${value as DirectoryKind}`);
    if (facet === 'sharing' && i18n.exists(`enums.sharing.${value}`)) return t(`enums.sharing.${value as SharingType}`);
    if (facet === 'mode' && i18n.exists(`enums.mode.${value}`)) return t(`enums.mode.${value as CrossMode}`);
    if (facet === 'region' && i18n.exists(`regions.${value}`)) return t(`regions.${value as '310000'}`);
    return serverLabel || value;
  };
}

/** A region's name in the UI language (the five demo provinces are translated; others keep the server's name). */
export function useRegionName(): (code: string, serverName?: string) => string {
  const { t, i18n } = useTranslation();
  return (code, serverName) => (i18n.exists(`regions.${code}`) ? t(`regions.${code as '310000'}`) : serverName || code);
}
