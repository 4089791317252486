// policy: the one access decision of the provider side. Deny by default: a request is served only
// when a rule names the requesting region and the resource, every requested field is granted, and
// sensitive fields come with the data subject's authorisation (or a statutory basis). The agreements
// capability will add signed agreements as the source of rules; callers keep calling evaluateAccess.

import type { ErrorCode } from '../core/errors.js';
import type { ResourceDef } from '../adapters/index.js';

export interface AccessRule {
  /** requesting region codes, or '*' for every federation member */
  from: string[] | '*';
  /** resource ids, or '*' */
  resources: string[] | '*';
  /** granted fields, or '*' (default) */
  fields?: string[] | '*';
  /** a law or regulation allows the access without the subject's authorisation */
  statutory?: boolean;
}

export interface AccessRequest {
  from: string;
  resource: string;
  fields: string[];
  subject: { type: 'citizen' | 'enterprise' };
  authorisation?: { type: 'citizen-consent' | 'statutory'; reference: string };
}

export type AccessDecision =
  | { allow: true; fields: string[]; basis: string }
  | { allow: false; code: ErrorCode; detail: string; /** the requested fields the refusal is about */ fields?: string[] };

const matches = (list: string[] | '*', value: string) => list === '*' || list.includes(value);

export function evaluateAccess(req: AccessRequest, resource: ResourceDef | undefined, rules: AccessRule[]): AccessDecision {
  if (!resource) return { allow: false, code: 'E_INVALID_REQUEST', detail: `unknown resource "${req.resource}"` };
  if (resource.subjectType !== req.subject.type) {
    return { allow: false, code: 'E_INVALID_REQUEST', detail: `${resource.id} is about ${resource.subjectType} subjects, not ${req.subject.type}` };
  }
  const known = new Map(resource.fields.map((f) => [f.name, f]));
  const unknown = req.fields.filter((f) => !known.has(f));
  if (unknown.length) return { allow: false, code: 'E_INVALID_REQUEST', detail: `${resource.id} has no field ${unknown.map((f) => `"${f}"`).join(', ')}`, fields: unknown };
  if (resource.sharing === 'none') return { allow: false, code: 'E_NO_AGREEMENT', detail: `${resource.id} is not shared (不予共享)` };

  const applicable = rules.filter((r) => matches(r.from, req.from) && matches(r.resources, resource.id));
  if (applicable.length === 0) return { allow: false, code: 'E_NO_AGREEMENT', detail: `no rule lets ${req.from} read ${resource.id}` };

  const granted = new Set<string>();
  for (const r of applicable) for (const f of r.fields === undefined || r.fields === '*' ? [...known.keys()] : r.fields) granted.add(f);
  const refused = req.fields.filter((f) => !granted.has(f));
  if (refused.length) return { allow: false, code: 'E_FIELD_NOT_ALLOWED', detail: `not granted to ${req.from}: ${refused.join(', ')}`, fields: refused };

  const sensitive = req.fields.filter((f) => known.get(f)!.sensitivity === 'sensitive');
  const statutory = applicable.some((r) => r.statutory);
  if (sensitive.length && !statutory && !req.authorisation) {
    return { allow: false, code: 'E_NEEDS_AUTHORISATION', detail: `sensitive fields need the subject's authorisation: ${sensitive.join(', ')}`, fields: sensitive };
  }
  return {
    allow: true,
    fields: req.fields,
    basis: statutory ? 'statutory rule' : req.authorisation ? `${req.authorisation.type} ${req.authorisation.reference}` : 'access rule',
  };
}
