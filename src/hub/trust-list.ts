// The hub's signed member list. A new version is cut only when the member content changes (content
// digest), and the current version is re-signed with a fresh expiry once half its validity is gone,
// so nodes always hold a list that outlives a hub outage of up to half the validity period.

import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { canonicalize } from '../core/jcs.js';
import { signDocument, type Signer } from '../core/signed-document.js';
import { nowIso } from '../core/time.js';
import type { TongbanDB } from '../store/schema.js';
import {
  FORMAT_VERSION, TRUST_LIST_TYPE,
  type PublicKeyEntry, type TrustList, type TrustListMember, type TrustListPayload,
} from '../federation/documents.js';
import type { SuiteName } from '../core/crypto/suite.js';

export interface TrustListContext {
  db: Kysely<TongbanDB>;
  signer: Signer;
  hubName: string;
  hubUrl: string;
  validitySeconds: number;
}

export interface CurrentTrustList {
  doc: TrustList;
  version: number;
  etag: string;
}

export async function currentTrustList(ctx: TrustListContext, now = new Date()): Promise<CurrentTrustList> {
  const content = await trustListContent(ctx);
  const digest = createHash('sha256').update(canonicalize(content)).digest('hex');
  for (let attempt = 0; attempt < 3; attempt++) {
    const latest = await ctx.db.selectFrom('hub_trust_list').selectAll().orderBy('version', 'desc').limit(1).executeTakeFirst();
    if (latest && latest.content_digest === digest) {
      const halfLife = (Date.parse(latest.expires_at) - Date.parse(latest.issued_at)) / 2;
      if (now.getTime() < Date.parse(latest.issued_at) + halfLife) return wrap(JSON.parse(latest.document) as TrustList);
      const doc = sign(ctx, content, latest.version, now);
      await ctx.db
        .updateTable('hub_trust_list')
        .set({ issued_at: doc.payload.issuedAt, expires_at: doc.payload.expiresAt, document: JSON.stringify(doc) })
        .where('version', '=', latest.version)
        .execute();
      return wrap(doc);
    }
    const version = (latest?.version ?? 0) + 1;
    const doc = sign(ctx, content, version, now);
    try {
      await ctx.db
        .insertInto('hub_trust_list')
        .values({ version, content_digest: digest, issued_at: doc.payload.issuedAt, expires_at: doc.payload.expiresAt, document: JSON.stringify(doc) })
        .execute();
      return wrap(doc);
    } catch {
      // another hub replica cut the same version first; read again
    }
  }
  throw new Error('could not settle the member list version after 3 attempts');
}

function wrap(doc: TrustList): CurrentTrustList {
  return { doc, version: doc.payload.version, etag: `"tl-${doc.payload.version}-${Date.parse(doc.payload.issuedAt)}"` };
}

type Content = Pick<TrustListPayload, 'hub' | 'members'>;

function sign(ctx: TrustListContext, content: Content, version: number, now: Date): TrustList {
  const payload: TrustListPayload = {
    type: TRUST_LIST_TYPE,
    formatVersion: FORMAT_VERSION,
    version,
    issuedAt: nowIso(now),
    expiresAt: nowIso(new Date(now.getTime() + ctx.validitySeconds * 1000)),
    hub: content.hub,
    members: content.members,
  };
  return signDocument(payload, ctx.signer);
}

/** What the list says, without the times: approved and suspended members with all their keys. */
async function trustListContent(ctx: TrustListContext): Promise<Content> {
  const members = await ctx.db
    .selectFrom('hub_member')
    .select(['region_code', 'name', 'endpoint', 'status'])
    .where('status', 'in', ['approved', 'suspended'])
    .orderBy('region_code')
    .execute();
  const keys = members.length
    ? await ctx.db
        .selectFrom('hub_member_key')
        .selectAll()
        .where('region_code', 'in', members.map((m) => m.region_code))
        .orderBy('added_at')
        .orderBy('key_id')
        .execute()
    : [];
  const hubKey: PublicKeyEntry = { keyId: ctx.signer.keyId, suite: ctx.signer.suite.name, publicKey: ctx.signer.publicKeyPem };
  return {
    hub: { name: ctx.hubName, url: ctx.hubUrl, keys: [hubKey] },
    members: members.map(
      (m): TrustListMember => ({
        regionCode: m.region_code,
        name: m.name,
        endpoint: m.endpoint,
        status: m.status === 'approved' ? 'active' : 'suspended',
        keys: keys
          .filter((k) => k.region_code === m.region_code)
          .map((k) => ({
            keyId: k.key_id,
            suite: k.suite as SuiteName,
            publicKey: k.public_key_pem,
            status: k.status === 'active' ? 'active' : 'retired',
            addedAt: k.added_at,
            ...(k.status !== 'active' && k.retired_at ? { retiredAt: k.retired_at } : {}),
          })),
      }),
    ),
  };
}
