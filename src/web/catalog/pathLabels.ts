// The words for the paths the catalogue names in its problems and the reviewer's diff (`department.name`,
// `fields[0].label.en`, `classification.category`): the i18n key of the label the forms and the entry
// page show for that member. Shared by the entry page's diff and the resource form's problem list.
// No DOM, no i18next: importable from Node tests (which check every key is in the catalogs).

/** t() over keys built at run time (every value below is checked against the catalogs by test/web). */
export type Translate = (key: string, options?: { defaultValue?: string }) => string;

export const PATH_LABELS: Readonly<Record<string, string>> = {
  id: 'resourceCard.id',
  code: 'guide.localCode',
  'name.zh': 'edit.nameZh',
  'name.en': 'edit.nameEn',
  name: 'import.name',
  summary: 'resourceCard.summary',
  'department.name': 'resourceCard.department',
  'department.code': 'edit.departmentCode',
  department: 'guide.department',
  subjectType: 'resourceCard.subject',
  'sharing.type': 'edit.sharingType',
  'sharing.condition': 'resourceCard.condition',
  'sharing.methods': 'resourceCard.methods',
  'classification.tier': 'edit.tier',
  'classification.category': 'edit.category',
  'classification.grade': 'resourceCard.grade',
  updateCycle: 'resourceCard.updateCycle',
  'source.system': 'resourceCard.sourceSystem',
  'source.adapter': 'resourceCard.adapter',
  'fields.name': 'edit.fieldName',
  'fields.element': 'edit.fieldElement',
  'fields.label.zh': 'edit.fieldLabelZh',
  'fields.label.en': 'edit.fieldLabelEn',
  'fields.sensitivity': 'edit.fieldSensitivity',
  modes: 'guide.modes',
  timeLimitDays: 'guide.timeLimit',
  'guide.conditions': 'guide.section.conditions',
  'guide.process': 'guide.section.process',
  'guide.fee': 'guide.section.fee',
  'guide.location': 'guide.section.location',
  'guide.contact': 'guide.section.contact',
  'guide.legalBasis': 'guide.section.legalBasis',
  'origin.source': 'guide.originSource',
  'materials.required': 'certificateCard.required',
};

/**
 * What differs for a data resource: its whole name and its department are the resource's (not an
 * item's), and a problem may name a whole part of the form.
 */
export const RESOURCE_PATH_LABELS: Readonly<Record<string, string>> = {
  ...PATH_LABELS,
  name: 'edit.nameZh',
  department: 'edit.department',
  fields: 'edit.sectionFields',
  sharing: 'edit.sectionSharing',
  classification: 'edit.sectionClassification',
  source: 'edit.sectionSource',
};

/** The label key of a path, list positions ignored (`fields[2].name` → `fields.name`); undefined when there is none. */
export function pathLabelKey(path: string, labels: Readonly<Record<string, string>> = PATH_LABELS): string | undefined {
  return labels[path] ?? labels[path.replace(/\[\d+\]/g, '')];
}
