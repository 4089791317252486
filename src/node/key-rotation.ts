// A node replaces its signing key without leaving the federation: the next key is staged on disk,
// the hub accepts a rotation signed by the current key with the new key's proof, then the node
// promotes the new key and signs with it at once. Peers that meet the new key before their next
// member-list refresh fetch the list again (exchange/trust). A crash between the hub's acceptance
// and the promotion is finished at the next start (resumeKeyRotation).

import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { TongbanError } from '../core/errors.js';
import { makeSigner, type Signer } from '../core/signed-document.js';
import { buildKeyRotation, verifyTrustList, type TrustList } from '../federation/documents.js';
import { discardNextKey, promoteNextKey, stageNextKey, stagedNextKey, type Identity } from '../keys/index.js';

export interface RotationContext {
  identity: Identity;
  dataDir: string;
  regionCode: string;
  hubUrl: string;
  /** pinned hub key id, to read the member list when resuming */
  hubKeyId?: string;
  logger: Logger;
}

export async function rotateNodeKey(ctx: RotationContext): Promise<{ oldKeyId: string; newKeyId: string }> {
  const suite = ctx.identity.suite.name;
  if (stagedNextKey(ctx.dataDir, suite)) {
    throw new TongbanError('E_CONFLICT', 'a key rotation is already in progress (keys/*.next.key); restart the node to finish it');
  }
  const next = stageNextKey(ctx.dataDir, suite);
  const doc = buildKeyRotation(ctx.identity, next, ctx.regionCode, randomBytes(12).toString('base64url'));
  let res: Response;
  try {
    res = await fetch(`${ctx.hubUrl}/api/hub/keys/rotate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(doc),
      signal: AbortSignal.timeout(10_000),
    });
  } catch (e) {
    // unknown whether the hub applied it: keep the staged key; the next start settles it
    throw new TongbanError('E_HUB_UNAVAILABLE', `rotation not confirmed by the hub (${(e as Error).message}); the node settles it at its next start`);
  }
  if (!res.ok) {
    discardNextKey(ctx.dataDir, suite);
    const body = (await res.json().catch(() => ({}))) as { error?: { code?: string; detail?: string } };
    throw new TongbanError((body.error?.code as never) ?? 'E_HUB_UNAVAILABLE', body.error?.detail ?? `hub answered ${res.status}`);
  }
  const oldKeyId = ctx.identity.keyId;
  promote(ctx, next);
  ctx.logger.info({ oldKeyId, newKeyId: next.keyId }, 'signing key rotated');
  return { oldKeyId, newKeyId: next.keyId };
}

function promote(ctx: RotationContext, next: Signer): void {
  promoteNextKey(ctx.dataDir, ctx.identity.suite.name, { keyId: ctx.identity.keyId, publicKeyPem: ctx.identity.publicKeyPem });
  // Every part of the node holds this one identity object: it signs with the new key from now on.
  Object.assign(ctx.identity, makeSigner(next.suite, next.privateKeyPem), { created: false });
}

/** At start: finishes or abandons a rotation that was staged but not promoted. */
export async function resumeKeyRotation(ctx: RotationContext): Promise<'none' | 'promoted' | 'discarded' | 'pending'> {
  const suite = ctx.identity.suite.name;
  const next = stagedNextKey(ctx.dataDir, suite);
  if (!next) return 'none';
  let list: TrustList;
  try {
    const res = await fetch(`${ctx.hubUrl}/api/hub/trust-list`, { signal: AbortSignal.timeout(5000) });
    list = (await res.json()) as TrustList;
  } catch {
    ctx.logger.warn('a key rotation is staged but the hub is unreachable; keeping the current key for now');
    return 'pending';
  }
  const anchor = ctx.hubKeyId ?? list.signature?.keyId;
  const payload = verifyTrustList(list, { keyId: anchor });
  const self = payload.members.find((m) => m.regionCode === ctx.regionCode);
  const accepted = self?.keys.some((k) => k.keyId === next.keyId && k.status === 'active');
  if (accepted) {
    promote(ctx, next);
    ctx.logger.info({ newKeyId: next.keyId }, 'finished a key rotation the hub had accepted');
    return 'promoted';
  }
  discardNextKey(ctx.dataDir, suite);
  ctx.logger.warn({ staged: next.keyId }, 'discarded a staged key the hub never accepted');
  return 'discarded';
}
