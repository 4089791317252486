// The foreign node's records, from docs/PROTOCOL.md alone: its hash-chained audit log and the checkpoint it
// anchors at the hub (§6), and the directory publication it sends and the signed pages it reads (§7).
// Tongban's own code for these lives under src/audit and src/directory; this is a second implementation
// of the same document on purpose (intended duplication).
import { canonicalBytes } from './canonical.js';
import { decodeStrictBase64, digest, hashName, verifySignature, type SigningKey } from './suites.js';
import { signDocument, type ForeignNode, type KeyRef } from './foreign-node.js';
import { array, boolean, integer, literal, object, record, region, signedDocument, str, type Rule } from './shape.js';

// ---------------- §6.1, §6.2: the log ----------------

export interface AuditEntry {
  seq: number;
  at: string;
  alg: 'sm3' | 'sha256';
  category: 'exchange' | 'admin' | 'membership' | 'security';
  action: string;
  actor_type: string;
  actor_id: string;
  outcome: 'ok' | 'refused' | 'error' | 'pending';
  prev_hash: string;
  hash: string;
  [column: string]: string | number;
}

const GENESIS = '0'.repeat(64);

/** An append-only log whose entries chain by §6.2. */
export class AuditLog {
  readonly entries: AuditEntry[] = [];
  constructor(private readonly key: SigningKey) {}

  append(e: { category: AuditEntry['category']; action: string; actor_type: string; actor_id: string; outcome?: AuditEntry['outcome']; [column: string]: string | undefined }): AuditEntry {
    const prev = this.entries.at(-1);
    const content: Record<string, string | number> = { seq: this.entries.length + 1, at: new Date().toISOString(), alg: hashName(this.key.suite), outcome: 'ok', prev_hash: prev?.hash ?? GENESIS };
    for (const [k, v] of Object.entries(e)) if (v !== undefined) content[k] = v;
    const entry = { ...content, hash: chainHash(this.key, content) } as AuditEntry;
    this.entries.push(entry);
    return entry;
  }

  /** §6.3: a checkpoint over the head, signed with the current key */
  checkpoint(regionCode: string, at = new Date().toISOString()) {
    const head = this.entries.at(-1)!;
    return signDocument(this.key, { type: 'tongban.audit-checkpoint', formatVersion: 1, regionCode, seq: head.seq, headHash: head.hash, count: head.seq, algorithm: hashName(this.key.suite), at });
  }
}

/** hash(e) = hex(H(bytes(prev_hash) ‖ UTF-8(JCS(content(e))))) */
function chainHash(key: SigningKey, content: Record<string, string | number>): string {
  return digest(key.suite, Buffer.from(content.prev_hash as string, 'hex'), canonicalBytes(content)).toString('hex');
}

// ---------------- §6.4: the anchor ----------------

const anchorPayload = object({
  type: literal('tongban.audit-anchor'),
  formatVersion: literal(1),
  regionCode: region,
  seq: integer(1),
  headHash: str(64, 64, /^[0-9a-f]{64}$/),
  checkpointDigest: str(64, 64, /^[0-9a-f]{64}$/),
  anchoredAt: str(1, 64),
});

export interface SignedDoc<P = Record<string, unknown>> {
  payload: P;
  signature: { suite: KeyRef['suite']; keyId: string; value: string };
}

/** Verifies a hub-signed document with a hub key from the verified member list; returns what is wrong. */
export function checkHubSignature(node: ForeignNode, doc: SignedDoc<unknown>): string | undefined {
  const key = node.memberList?.hub.keys.find((k) => k.keyId === doc.signature.keyId && k.suite === doc.signature.suite);
  if (!key) return `${doc.signature.keyId} is not a hub key on the member list`;
  const value = decodeStrictBase64(doc.signature.value);
  return value && verifySignature(key.suite, key.publicKey, canonicalBytes(doc.payload), value) ? undefined : 'the hub signature does not verify';
}

/** The node's checks of an anchor (§6.4, last paragraph). */
export function checkAnchor(node: ForeignNode, checkpoint: SignedDoc<{ regionCode: string; seq: number; headHash: string }>, anchor: unknown): string[] {
  const shape = signedDocument(anchorPayload)(anchor, 'anchor');
  if (shape) return [shape];
  const a = anchor as SignedDoc<{ regionCode: string; seq: number; headHash: string; checkpointDigest: string }>;
  const problems: string[] = [];
  const sig = checkHubSignature(node, a);
  if (sig) problems.push(sig);
  for (const k of ['regionCode', 'seq', 'headHash'] as const) if (a.payload[k] !== checkpoint.payload[k]) problems.push(`${k} is not the checkpoint's`);
  const expected = digest(node.key.suite, canonicalBytes(checkpoint)).toString('hex');
  if (a.payload.checkpointDigest !== expected) problems.push(`checkpointDigest ${a.payload.checkpointDigest} is not ${expected}`);
  return problems;
}

/** A checkpoint's signature, with the member's key (active or retired) from the member list */
export function verifyCheckpointSignature(node: ForeignNode, doc: SignedDoc<{ regionCode: string }>): boolean {
  const key = node.member(doc.payload.regionCode)?.keys.find((k) => k.keyId === doc.signature.keyId && k.suite === doc.signature.suite);
  const value = decodeStrictBase64(doc.signature.value);
  return !!key && !!value && verifySignature(key.suite, key.publicKey, canonicalBytes(doc.payload), value);
}

// ---------------- §7: the directory ----------------

export interface DirectoryEntry {
  kind: 'resource' | 'certificate-type' | 'item';
  id: string;
  content: Record<string, unknown>;
}

/** §7.2: the member's whole published catalog, signed with its active key */
export function publication(node: ForeignNode, sequence: number, entries: DirectoryEntry[]) {
  return signDocument(node.key, { type: 'tongban.directory-publication', formatVersion: 1, regionCode: node.regionCode, sequence, publishedAt: new Date().toISOString(), entries });
}

/** D(x) = lower-case hex SHA-256 of JCS(x), whatever the suite (§7.2) */
export const directoryDigest = (x: unknown): string => digest('ed25519', canonicalBytes(x)).toString('hex');

const anything: Rule = () => undefined;
const pageEntry: Rule = (v, at) => {
  const common = { seq: integer(1), region: object({ code: region, name: str(1, 64) }), kind: literal('resource', 'certificate-type', 'item'), id: str(1, 128), changedAt: str(1, 64), publication: integer(1) };
  const deleted = (v as { deleted?: unknown } | null)?.deleted === true;
  return deleted ? object({ ...common, deleted: boolean })(v, at) : object({ ...common, content: record(/^/, anything) })(v, at);
};

export interface DirectoryPage {
  type: 'tongban.directory';
  directoryId: string;
  since: number;
  head: number;
  entries: Array<{ seq: number; region: { code: string; name: string }; kind: string; id: string; changedAt: string; publication: number; content?: Record<string, unknown>; deleted?: true }>;
  more: boolean;
  sequence: number;
  issuedAt: string;
  expiresAt: string;
}

const pagePayload = object({
  type: literal('tongban.directory'),
  formatVersion: literal(1),
  directoryId: str(36, 36, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/),
  since: integer(0),
  head: integer(0),
  entries: array(pageEntry, 0, 5000),
  more: boolean,
  sequence: integer(0),
  issuedAt: str(1, 64),
  expiresAt: str(1, 64),
});

/** §7.5: a reader's checks of a page it asked for with `since`; returns what is wrong */
export function checkPage(node: ForeignNode, since: number, doc: unknown): string[] {
  const shape = signedDocument(pagePayload)(doc, 'page');
  if (shape) return [shape];
  const d = doc as SignedDoc<DirectoryPage>;
  const problems: string[] = [];
  if (d.signature.keyId !== node.o.hubKeyId) problems.push('not signed by the pinned hub key');
  const sig = checkHubSignature(node, d);
  if (sig) problems.push(sig);
  const p = d.payload;
  if (p.since !== since) problems.push(`since ${p.since} is not ${since}`);
  if (!p.entries.every((e) => e.seq > p.since && e.seq <= p.sequence)) problems.push('an entry outside (since, sequence]');
  if (!(Date.parse(p.expiresAt) > Date.now())) problems.push('expired');
  if (Date.parse(p.issuedAt) > Date.now() + 5 * 60_000) problems.push('issued in the future');
  return problems;
}
