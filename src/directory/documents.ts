// The two signed documents of the directory (docs/PROTOCOL.md §7), pure: the publication a node signs
// (its whole published catalog, with its own sequence number) and the directory page the hub signs
// (the entries changed after a sequence). Building, checking shape, verifying.

import { TongbanError } from '../core/errors.js';
import { parseProtocolTime, TIME_PROBLEM } from '../core/time.js';
import { keyIdOf, suiteFor } from '../core/crypto/index.js';
import { canonicalize } from '../core/jcs.js';
import { createHash } from 'node:crypto';
import { assertSignedShape, signDocument, verifyDocument, type SignedDocument, type Signer } from '../core/signed-document.js';
import type { PublicKeyEntry } from '../federation/documents.js';
import { DIRECTORY_KINDS, type DirectoryKind, type EntryContent, type PublishedEntry } from './entry.js';

export const PUBLICATION_TYPE = 'tongban.directory-publication';
export const DIRECTORY_TYPE = 'tongban.directory';
export const FORMAT_VERSION = 1;
/** A publication dated further ahead of the hub's clock than this is refused. */
export const PUBLICATION_FUTURE_WINDOW_MS = 5 * 60 * 1000;
/** Default and largest page of the directory. */
export const DIRECTORY_PAGE_DEFAULT = 1000;
export const DIRECTORY_PAGE_MAX = 5000;

export interface PublicationPayload {
  type: typeof PUBLICATION_TYPE;
  formatVersion: typeof FORMAT_VERSION;
  regionCode: string;
  /** the node's own counter: 1, 2, 3 …; each publication carries a higher number than the last */
  sequence: number;
  publishedAt: string;
  /** the node's whole published catalog; what is absent is withdrawn */
  entries: PublishedEntry[];
}

export type Publication = SignedDocument<PublicationPayload>;

export function buildPublication(signer: Signer, regionCode: string, sequence: number, entries: PublishedEntry[], at = new Date()): Publication {
  return signDocument<PublicationPayload>(
    { type: PUBLICATION_TYPE, formatVersion: FORMAT_VERSION, regionCode, sequence, publishedAt: at.toISOString(), entries },
    signer,
  );
}

/** Shape of a publication as received (entries are checked one by one by the hub). */
export function checkPublicationShape(doc: unknown): Publication {
  const d = assertSignedShape<PublicationPayload>(doc);
  const p = d.payload as unknown as Record<string, unknown>;
  const problems: string[] = [];
  const allowed = ['type', 'formatVersion', 'regionCode', 'sequence', 'publishedAt', 'entries'];
  const unknown = Object.keys(p).filter((k) => !allowed.includes(k));
  if (unknown.length) problems.push(`payload has unknown fields: ${unknown.join(', ')}`);
  if (p.type !== PUBLICATION_TYPE) problems.push(`payload.type must be "${PUBLICATION_TYPE}"`);
  if (p.formatVersion !== FORMAT_VERSION) problems.push(`payload.formatVersion must be ${FORMAT_VERSION}`);
  if (typeof p.regionCode !== 'string' || !/^[0-9]{6}$/.test(p.regionCode)) problems.push('payload.regionCode must be 6 digits');
  if (!Number.isSafeInteger(p.sequence) || (p.sequence as number) < 1 || (p.sequence as number) > 2 ** 31 - 1) problems.push('payload.sequence must be an integer from 1 to 2147483647');
  if (parseProtocolTime(p.publishedAt) === undefined) problems.push(TIME_PROBLEM('payload.publishedAt'));
  if (!Array.isArray(p.entries)) problems.push('payload.entries must be an array');
  if (problems.length) throw new TongbanError('E_INVALID_REQUEST', problems.join('; '));
  return d;
}

/** Digest of a publication's entries (what the node published, independent of when and with which key). */
export function entriesDigest(entries: PublishedEntry[]): string {
  return createHash('sha256').update(canonicalize(entries)).digest('hex');
}

// ---- the directory (hub → nodes) ----------------------------------------------------------------

export interface DirectoryEntryWire {
  /** the directory's change sequence of this entry's latest change */
  seq: number;
  region: { code: string; name: string };
  kind: DirectoryKind;
  id: string;
  /** when the hub recorded the change */
  changedAt: string;
  /** the publisher's sequence that made the change */
  publication: number;
  /** present when the entry was withdrawn (a tombstone); `content` is then absent */
  deleted?: true;
  content?: EntryContent;
}

export interface DirectoryPayload {
  type: typeof DIRECTORY_TYPE;
  formatVersion: typeof FORMAT_VERSION;
  /** identifies this hub's directory; a new id means sequences start again (a reader must fetch from 0) */
  directoryId: string;
  /** as asked: entries changed after this sequence */
  since: number;
  /** the reader holds every change up to here once it has applied this page; ask next with since=sequence */
  sequence: number;
  /** the directory's latest sequence when the page was made */
  head: number;
  /** true when changes after `sequence` remain (sequence < head) */
  more: boolean;
  issuedAt: string;
  expiresAt: string;
  entries: DirectoryEntryWire[];
}

export type DirectoryDocument = SignedDocument<DirectoryPayload>;

export function signDirectory(signer: Signer, payload: Omit<DirectoryPayload, 'type' | 'formatVersion'>): DirectoryDocument {
  return signDocument<DirectoryPayload>({ type: DIRECTORY_TYPE, formatVersion: FORMAT_VERSION, ...payload }, signer);
}

/**
 * Verifies a directory page against the pinned hub key (the key material from the verified member
 * list's `hub.keys`), and its shape. Freshness and sequence rules are the reader's (see node sync).
 */
export function verifyDirectory(doc: unknown, pinnedKeyId: string, hubKeys: PublicKeyEntry[]): DirectoryPayload {
  const d = assertSignedShape<DirectoryPayload>(doc);
  const key = hubKeys.find((k) => k.keyId === pinnedKeyId);
  if (!key) throw new TongbanError('E_NOT_TRUSTED', `the member list does not carry the pinned hub key ${pinnedKeyId}`);
  if (keyIdOf(suiteFor(key.suite), key.publicKey) !== key.keyId) throw new TongbanError('E_NOT_TRUSTED', 'hub key id does not match its public key');
  verifyDocument(d, { suite: key.suite, keyId: key.keyId, publicKeyPem: key.publicKey });
  const p = d.payload;
  const int = (v: unknown) => Number.isSafeInteger(v) && (v as number) >= 0;
  if (
    p.type !== DIRECTORY_TYPE || p.formatVersion !== FORMAT_VERSION || typeof p.directoryId !== 'string' || !int(p.since) || !int(p.sequence) ||
    !int(p.head) || typeof p.more !== 'boolean' || typeof p.issuedAt !== 'string' || typeof p.expiresAt !== 'string' || !Array.isArray(p.entries)
  ) {
    throw new TongbanError('E_INVALID_REQUEST', 'not a tongban.directory document of format version 1');
  }
  for (const e of p.entries) {
    if (
      !e || typeof e !== 'object' || !int(e.seq) || e.seq <= p.since || e.seq > p.sequence || !DIRECTORY_KINDS.includes(e.kind) || typeof e.id !== 'string' ||
      !e.region || typeof e.region.code !== 'string' || (e.deleted !== true && (!e.content || typeof e.content !== 'object'))
    ) {
      throw new TongbanError('E_INVALID_REQUEST', `directory entry ${JSON.stringify({ seq: e?.seq, kind: e?.kind, id: e?.id })} is malformed or outside (since, sequence]`);
    }
  }
  return p;
}
