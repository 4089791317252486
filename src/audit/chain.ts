// The audit chain rule, in one pure module (no I/O): how an entry's hash is computed, and how a
// sequence of entries is checked, naming the first bad one. docs/PROTOCOL.md §6.2 is normative.
//
//   content  = the entry as a JSON object whose members are the columns in ENTRY_FIELDS (names as
//              in the table, NULL columns omitted, `hash` never included, `seq` a number, JSON
//              columns as their stored text)
//   hash     = lower-case hex of  H( bytes(prev_hash) || UTF-8( JCS(content) ) )
//   H        = the algorithm named in the entry's `alg` column: 'sm3' (sm2-sm3 nodes) or 'sha256'
//              (ed25519 nodes); bytes(prev_hash) = the 32 bytes the hex prev_hash denotes
//   genesis  = prev_hash of seq 1 is 64 zeros; seq counts 1, 2, 3 … without gaps

import { canonicalize } from '../core/jcs.js';
import { suiteFor, type CryptoSuite } from '../core/crypto/index.js';

export type AuditAlgorithm = 'sha256' | 'sm3';
export const AUDIT_ALGORITHMS: readonly AuditAlgorithm[] = ['sha256', 'sm3'];
export const GENESIS_HASH = '0'.repeat(64);
const HEX64 = /^[0-9a-f]{64}$/;

/** One stored entry, exactly the audit_entry columns. */
export interface AuditEntryRecord {
  seq: number;
  at: string;
  alg: string;
  category: string;
  action: string;
  actor_type: string;
  actor_id: string;
  actor_region: string | null;
  actor_department: string | null;
  outcome: string;
  error_code: string | null;
  message_id: string | null;
  conversation_id: string | null;
  counterparty: string | null;
  subject_ref: string | null;
  subject_masked: string | null;
  /** JSON text: { serviceItem, caseId, agreementId? } */
  purpose: string | null;
  resource: string | null;
  /** JSON text: string[] */
  fields: string | null;
  request_hash: string | null;
  response_hash: string | null;
  /** JSON text: { key: string | number | boolean | null } — never personal data */
  detail: string | null;
  prev_hash: string;
  hash: string;
}

/** The columns covered by the hash, in the order the table declares them (JCS sorts anyway). */
export const ENTRY_FIELDS = [
  'seq', 'at', 'alg', 'category', 'action', 'actor_type', 'actor_id', 'actor_region', 'actor_department', 'outcome',
  'error_code', 'message_id', 'conversation_id', 'counterparty', 'subject_ref', 'subject_masked', 'purpose', 'resource',
  'fields', 'request_hash', 'response_hash', 'detail', 'prev_hash',
] as const satisfies ReadonlyArray<keyof AuditEntryRecord>;

export type UnhashedEntry = Omit<AuditEntryRecord, 'hash'>;

export function isAuditAlgorithm(s: unknown): s is AuditAlgorithm {
  return s === 'sha256' || s === 'sm3';
}

/** The digest behind each algorithm name: the suites' own (node:crypto SHA-256 / SM3). */
export function digestFor(alg: AuditAlgorithm): CryptoSuite['digest'] {
  return suiteFor(alg === 'sm3' ? 'sm2-sm3' : 'ed25519').digest;
}

/** The hashed content of an entry: ENTRY_FIELDS, NULLs omitted. */
export function entryContent(e: UnhashedEntry): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const f of ENTRY_FIELDS) {
    const v = e[f];
    if (v !== null && v !== undefined) out[f] = v;
  }
  return out;
}

const SORTED_FIELDS = [...ENTRY_FIELDS].sort();

/**
 * JCS(content) without the general-purpose walk: the content is one flat object whose keys are the
 * ASCII column names, so RFC 8785 reduces to sorted keys and JSON.stringify of each string or number
 * (test/audit/chain.test.ts pins it to canonicalize()). Events with lone surrogates are refused when
 * prepared, so a stored row holding one has been tampered with: it simply fails to match its hash.
 */
export function canonicalContent(e: UnhashedEntry): string {
  let out = '{';
  for (const f of SORTED_FIELDS) {
    const v = e[f];
    if (v === null || v === undefined) continue;
    if (typeof v === 'number' && !Number.isFinite(v)) return canonicalize(entryContent(e));
    out += `${out.length > 1 ? ',' : ''}"${f}":${JSON.stringify(v)}`;
  }
  return `${out}}`;
}

/** hash = hex( H( bytes(prev_hash) || JCS(content) ) ). Throws on an unknown algorithm or a malformed prev_hash. */
export function computeEntryHash(e: UnhashedEntry): string {
  if (!isAuditAlgorithm(e.alg)) throw new TypeError(`unknown audit algorithm "${e.alg}"`);
  if (!HEX64.test(e.prev_hash)) throw new TypeError('prev_hash must be 64 lower-case hex digits');
  const body = Buffer.from(canonicalContent(e), 'utf8');
  return digestFor(e.alg)(Buffer.concat([Buffer.from(e.prev_hash, 'hex'), body])).toString('hex');
}

/** Assigns seq, prev_hash and hash to entries appended after (headSeq, headHash), in order. */
export function chainEntries<E extends Omit<UnhashedEntry, 'seq' | 'prev_hash'>>(
  head: { seq: number; hash: string },
  entries: E[],
): Array<E & { seq: number; prev_hash: string; hash: string }> {
  let seq = head.seq;
  let prev = head.hash;
  return entries.map((e) => {
    seq += 1;
    const linked = { ...e, seq, prev_hash: prev };
    const hash = computeEntryHash(linked);
    prev = hash;
    return { ...linked, hash };
  });
}

export interface ChainProblem {
  /** the first entry that is wrong (for a deleted tail: the first missing seq) */
  seq: number;
  reason: string;
}

/**
 * Walks a log in seq order, one entry at a time (so a verifier can page through millions of rows),
 * and records every problem, resynchronising after each so one tampered row is reported once.
 */
export class ChainVerifier {
  private last: { seq: number; hash: string } | undefined;
  private count = 0;
  readonly problems: ChainProblem[] = [];
  private readonly algorithms = new Set<string>();

  constructor(private readonly opts: { expectedAlgorithm?: AuditAlgorithm; maxProblems?: number } = {}) {}

  get entries(): number {
    return this.count;
  }

  /** the last entry seen (seq and stored hash) */
  get head(): { seq: number; hash: string } | undefined {
    return this.last;
  }

  get algorithmsSeen(): string[] {
    return [...this.algorithms];
  }

  push(e: AuditEntryRecord): void {
    this.count++;
    this.algorithms.add(e.alg);
    const prev = this.last;
    const expectedSeq = (prev?.seq ?? 0) + 1;
    let afterGap = false;
    if (!Number.isSafeInteger(e.seq) || e.seq < expectedSeq) {
      this.report(e.seq, `seq ${e.seq}: out of order after seq ${prev?.seq ?? 0}`);
      afterGap = true;
    } else if (e.seq > expectedSeq) {
      const missing = e.seq - 1 === expectedSeq ? `seq ${expectedSeq}` : `seq ${expectedSeq}–${e.seq - 1}`;
      this.report(expectedSeq, prev ? `gap: ${missing} missing after ${prev.seq}` : `gap: ${missing} missing at the start of the log`);
      afterGap = true;
    }
    if (!isAuditAlgorithm(e.alg)) {
      this.report(e.seq, `seq ${e.seq}: unknown hash algorithm "${e.alg}"`);
    } else if (this.opts.expectedAlgorithm && e.alg !== this.opts.expectedAlgorithm) {
      this.report(e.seq, `seq ${e.seq}: hashed with ${e.alg}, but this server's suite uses ${this.opts.expectedAlgorithm}`);
    } else if (!HEX64.test(e.hash) || !HEX64.test(e.prev_hash)) {
      this.report(e.seq, `seq ${e.seq}: hash or prev_hash is not 64 lower-case hex digits`);
    } else if (computeEntryHash(e) !== e.hash) {
      this.report(e.seq, `seq ${e.seq}: hash does not match its content`);
    } else if (!afterGap) {
      const expectedPrev = prev?.hash ?? GENESIS_HASH;
      if (e.prev_hash !== expectedPrev) {
        this.report(e.seq, prev ? `seq ${e.seq}: prev_hash does not link to seq ${prev.seq}` : `seq ${e.seq}: prev_hash is not the genesis value (64 zeros)`);
      }
    }
    this.last = { seq: e.seq, hash: e.hash };
  }

  private report(seq: number, reason: string): void {
    if (this.problems.length < (this.opts.maxProblems ?? 1000)) this.problems.push({ seq, reason });
  }
}

/** Verifies a whole sequence held in memory; returns the first problem (lowest seq) or undefined. */
export function verifyChain(entries: Iterable<AuditEntryRecord>, opts: { expectedAlgorithm?: AuditAlgorithm } = {}): {
  entries: number;
  head: { seq: number; hash: string } | undefined;
  problems: ChainProblem[];
  firstProblem: ChainProblem | undefined;
} {
  const v = new ChainVerifier(opts);
  for (const e of entries) v.push(e);
  return { entries: v.entries, head: v.head, problems: v.problems, firstProblem: firstOf(v.problems) };
}

/** The problem with the lowest seq; among equals, the one found first. */
export function firstOf(problems: readonly ChainProblem[]): ChainProblem | undefined {
  let best: ChainProblem | undefined;
  for (const p of problems) if (!best || p.seq < best.seq) best = p;
  return best;
}
