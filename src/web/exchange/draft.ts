// A request as the clerk filled it in, carried between the request form and its result page in
// react-router location state — never in the URL, since it holds the citizen's ID number. The result
// page's way back (and "edit and request again" after a refusal) hands it to the form, which fills
// itself from it, so a clerk does not re-enter anything nor send the next request to another region.
// Pure, no imports (the shapes of api.ts it reads are restated structurally): the Node tests use it as it is.

interface Purpose {
  serviceItem: string;
  caseId: string;
  agreementId?: string;
}

/** The basis of a request for sensitive fields: the applicant's consent, or a law that provides for it (法定依据). */
export type AuthorisationType = 'citizen-consent' | 'statutory';
type Authorisation = { type: AuthorisationType; reference: string };

const AUTHORISATION_TYPES: readonly AuthorisationType[] = ['citizen-consent', 'statutory'];

/** What the form sends (api.ts ExchangeInput). */
interface SentRequest {
  target: string;
  resource: string;
  subject: { idNumber: string };
  fields: string[];
  purpose: Purpose;
  authorisation?: Authorisation;
}

/** What a stored exchange tells of its request (api.ts ExchangeView). */
interface StoredRequest {
  target: { regionCode: string };
  resource: string;
  fields: string[];
  purpose: Purpose;
  authorisation?: Authorisation;
}

/** A form field the form focuses on arrival (what a refusal asks the clerk to change). */
export type DraftFocus = 'target' | 'resource' | 'fields' | 'idNumber' | 'serviceItem' | 'consent';

export interface ExchangeDraft {
  target: string;
  resource: string;
  fields: string[];
  /** absent when rebuilt from a stored exchange, which keeps the number masked */
  idNumber?: string;
  purpose: Purpose;
  authorisation?: Authorisation;
}

/** The state the form's route (/exchange) reads. */
export interface ExchangeFormState {
  draft: ExchangeDraft;
  focus?: DraftFocus;
}

export function draftOfInput(input: SentRequest): ExchangeDraft {
  return {
    target: input.target,
    resource: input.resource,
    fields: [...input.fields],
    idNumber: input.subject.idNumber,
    purpose: { ...input.purpose },
    ...(input.authorisation ? { authorisation: { ...input.authorisation } } : {}),
  };
}

/** What a stored exchange tells of its request: all but the ID number and the authorisation. */
export function draftOfView(x: StoredRequest): ExchangeDraft {
  return {
    target: x.target.regionCode,
    resource: x.resource,
    fields: [...x.fields],
    purpose: { ...x.purpose },
    ...(x.authorisation ? { authorisation: { type: x.authorisation.type, reference: x.authorisation.reference } } : {}),
  };
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isString = (v: unknown): v is string => typeof v === 'string';

/** A draft read back from history state (which may hold anything: an older build's, another page's), or undefined. */
export function readDraft(v: unknown): ExchangeDraft | undefined {
  if (!isRecord(v) || !isString(v.target) || !isString(v.resource) || !Array.isArray(v.fields) || !v.fields.every(isString)) return undefined;
  const p = v.purpose;
  if (!isRecord(p) || !isString(p.serviceItem) || !isString(p.caseId) || (p.agreementId !== undefined && !isString(p.agreementId))) return undefined;
  const a = v.authorisation;
  const type = isRecord(a) ? AUTHORISATION_TYPES.find((k) => k === a.type) : undefined;
  const authorisation = type && isRecord(a) && isString(a.reference) ? { type, reference: a.reference } : undefined;
  return {
    target: v.target,
    resource: v.resource,
    fields: [...v.fields],
    ...(isString(v.idNumber) ? { idNumber: v.idNumber } : {}),
    purpose: { serviceItem: p.serviceItem, caseId: p.caseId, ...(isString(p.agreementId) ? { agreementId: p.agreementId } : {}) },
    ...(authorisation ? { authorisation } : {}),
  };
}

const FOCUS: readonly DraftFocus[] = ['target', 'resource', 'fields', 'idNumber', 'serviceItem', 'consent'];

/** The form's route state, read leniently. */
export function readFormState(state: unknown): ExchangeFormState | undefined {
  if (!isRecord(state)) return undefined;
  const draft = readDraft(state.draft);
  if (!draft) return undefined;
  const focus = FOCUS.find((f) => f === state.focus);
  return focus ? { draft, focus } : { draft };
}

/** Which part of the request a refusal asks the clerk to change, by vocabulary code. */
export function focusForError(code: string | undefined): DraftFocus | undefined {
  switch (code) {
    case 'E_SUBJECT_NOT_FOUND':
    case 'E_AMBIGUOUS_SUBJECT':
      return 'idNumber';
    case 'E_FIELD_NOT_ALLOWED':
      return 'fields';
    case 'E_NEEDS_AUTHORISATION':
      return 'consent';
    case 'E_NO_AGREEMENT':
      return 'serviceItem';
    default:
      return undefined;
  }
}
