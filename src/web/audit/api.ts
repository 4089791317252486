// Client for this node's audit status and restore declaration (src/audit/status-routes.ts,
// src/node/admin-routes.ts):
//   GET  /api/audit/status          (roles admin, auditor; 401 signed out, 403 otherwise)
//   POST /api/admin/audit/restore   (role admin) { reason } → what the hub set aside, and anchoring after it
import { call, formatError, isRecord } from '../api';

// the server's own types (types only: nothing of the server reaches the bundle)
export type { AnchoringState, AnchoringStatus, RestoreProblem, RestoreView } from '../../audit/status-types.js';
import type { AnchoringStatus } from '../../audit/status-types.js';

export interface RestoreDeclared {
  keepThrough: number;
  supersededFrom: number;
  supersededThrough: number;
  superseded: number;
  anchoring: { anchored: number; pending: number; error?: string };
}

export const AUDIT_STATUS_PATH = '/api/audit/status';
const RESTORE_PATH = '/api/admin/audit/restore';

export async function fetchAuditStatus(signal?: AbortSignal): Promise<AnchoringStatus> {
  const { body } = await call(AUDIT_STATUS_PATH, { signal });
  if (!isRecord(body) || typeof body.state !== 'string' || !isRecord(body.head) || !isRecord(body.checkpoints) || !(body.restores === null || Array.isArray(body.restores))) {
    throw formatError(AUDIT_STATUS_PATH, 'unexpected shape');
  }
  return body as unknown as AnchoringStatus;
}

export async function declareRestore(reason: string): Promise<RestoreDeclared> {
  const { body } = await call(RESTORE_PATH, { method: 'POST', body: { reason } });
  if (!isRecord(body) || typeof body.supersededFrom !== 'number' || !isRecord(body.anchoring)) throw formatError(RESTORE_PATH, 'unexpected shape');
  return body as unknown as RestoreDeclared;
}
