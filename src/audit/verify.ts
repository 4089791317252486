// Verifying a server's whole audit log: the chain (chain.ts), the head row, every checkpoint's
// signature and the hub's countersignature, and — when the hub's anchors are supplied — that no
// anchored head has been rewritten or cut off. Names the first bad entry.

import type { Kysely } from 'kysely';
import { ERRORS, TongbanError, type ErrorCode } from '../core/errors.js';
import type { TongbanDB } from '../store/schema.js';
import type { PublicKeyEntry, TrustListPayload } from '../federation/documents.js';
import { ChainVerifier, firstOf, isAuditAlgorithm, type AuditAlgorithm, type ChainProblem } from './chain.js';
import {
  anchorProblem,
  checkCheckpointShape,
  checkRestoreShape,
  memberSignatureProblem,
  keysOfRegion,
  restoreDigest,
  restoreReceiptProblem,
  type Anchor,
  type Checkpoint,
  type RestoreDeclaration,
} from './documents.js';
import { normaliseEntry } from './log.js';
import type { RestoreProblem, RestoreSummary } from './status-types.js';

/** One anchor as the hub serves it (GET /api/hub/audit/anchors/{regionCode}). */
export interface HubAnchor {
  seq: number;
  headHash: string;
  receivedAt: string;
  checkpoint: Checkpoint;
  countersignature: Anchor;
}

/** One restore declaration as the hub serves it (GET /api/hub/audit/restores/{regionCode}). */
export interface HubRestore {
  declaration: unknown;
  receipt: unknown;
  superseded: Array<{ seq: number; headHash: string; receivedAt: string }>;
}

export type { RestoreProblem, RestoreSummary };

export interface VerifyOptions {
  /** the region whose log this is (the hub: 000000) */
  regionCode: string;
  /** a verified member list: the region's keys (retired ones too) and the hub's keys */
  trustList: Pick<TrustListPayload, 'members' | 'hub'>;
  /** the algorithm this server's suite uses; entries hashed otherwise are reported */
  suiteAlgorithm?: AuditAlgorithm;
  /**
   * the hub's anchors for this region, in seq order (e.g. hubAnchorPages: fetched a page at a time
   * while they are compared); when given, truncation and rewritten history are detected
   */
  hubAnchors?: Iterable<HubAnchor> | AsyncIterable<HubAnchor>;
  /** the region's restore declarations held by the hub: verified and reported (their superseded anchors are not compared) */
  hubRestores?: HubRestore[];
  /** extra keys that may have signed checkpoints (e.g. the server's own key before it was approved) */
  extraKeys?: PublicKeyEntry[];
  /** rows read per page (default 5000) */
  pageSize?: number;
}

export interface VerifyReport {
  ok: boolean;
  entries: number;
  lastSeq: number;
  headHash: string | null;
  algorithms: string[];
  checkpoints: number;
  /** checkpoints carrying a valid hub countersignature */
  anchored: number;
  /** hub anchors compared with the local log (undefined: not compared) */
  hubAnchors?: number;
  /** the hub's anchors stopped coming (the hub became unreachable): those before were compared */
  hubAnchorsError?: string;
  /** restore declarations: histories the hub set aside because this log lost them */
  restores?: RestoreSummary[];
  firstProblem?: ChainProblem;
  problems: ChainProblem[];
}

/**
 * Verifies the log a page at a time, whatever its size: the chain first, then the checkpoints and the
 * hub's anchors, each page with the hashes of the entries it names read by seq. Memory stays that of
 * a page (a node writes ~500,000 checkpoints a year; holding them, or the hub's anchors, was
 * gigabytes after a few years). Entries appended while it runs lie beyond the range read and are not
 * judged: a checkpoint or anchor past the end is a deleted tail only if its entry is not there at all.
 */
export async function verifyAuditLog(db: Kysely<TongbanDB>, opts: VerifyOptions): Promise<VerifyReport> {
  const problems: ChainProblem[] = [];
  const pageSize = opts.pageSize ?? 5000;

  const chain = new ChainVerifier(opts.suiteAlgorithm ? { expectedAlgorithm: opts.suiteAlgorithm } : {});
  for await (const page of bySeq((after) => afterSeq(db.selectFrom('audit_entry').selectAll(), after).orderBy('seq').limit(pageSize).execute(), pageSize)) {
    for (const raw of page) chain.push(normaliseEntry(raw));
  }
  problems.push(...chain.problems);
  const lastSeq = chain.head?.seq ?? 0;
  const endOfLog = lastSeq === 0 ? 'the local log is empty' : `the local log ends at ${lastSeq}`;

  // the head row: what the log itself last recorded
  const head = await db.selectFrom('audit_head').select(['seq', 'hash']).where('id', '=', 1).executeTakeFirst();
  if (!head) {
    problems.push({ seq: lastSeq + 1, reason: 'the audit_head row is missing' });
  } else {
    const headSeq = Number(head.seq);
    if (headSeq > lastSeq) problems.push({ seq: lastSeq + 1, reason: `the audit head records seq ${headSeq} but ${endOfLog} (entries deleted from the tail)` });
    else if (headSeq < lastSeq) {
      const range = headSeq + 1 === lastSeq ? `seq ${lastSeq} lies` : `seq ${headSeq + 1}–${lastSeq} lie`;
      problems.push({ seq: headSeq + 1, reason: `${range} beyond the recorded head ${headSeq} (written outside the log)` });
    }
    else if (lastSeq > 0 && head.hash !== chain.head?.hash) problems.push({ seq: lastSeq, reason: `seq ${lastSeq}: hash differs from the one the audit head records` });
  }

  const regionKeys = [...keysOfRegion(opts.trustList, opts.regionCode), ...(opts.extraKeys ?? [])];
  const hubKeys = opts.trustList.hub.keys;
  /** a signed head at `seq` against the log: cut off, missing, or rewritten (`says` words each case) */
  const headProblem = (seq: number, signedHash: string, local: string | undefined, says: { tail: string; missing: string; rewritten: string }): ChainProblem | undefined => {
    if (local === undefined) return seq > lastSeq ? { seq: lastSeq + 1, reason: says.tail } : { seq, reason: says.missing };
    if (seq > lastSeq) return undefined; // appended while this ran: beyond the range read
    return local === signedHash ? undefined : { seq, reason: says.rewritten };
  };

  // checkpoints: signature by the region's key, row consistent with its document, head present and equal
  let checkpoints = 0;
  let anchored = 0;
  for await (const page of bySeq((after) => afterSeq(db.selectFrom('audit_checkpoint').selectAll(), after).orderBy('seq').limit(pageSize).execute(), pageSize)) {
    const rows = page.map((r) => ({ ...r, seq: Number(r.seq), entry_count: Number(r.entry_count) }));
    const docs = rows.map((row) => {
      try {
        return checkCheckpointShape(JSON.parse(row.document));
      } catch (e) {
        problems.push({ seq: row.seq, reason: `checkpoint at seq ${row.seq}: not a valid checkpoint document (${(e as Error).message})` });
        return undefined;
      }
    });
    const hashes = await entryHashes(db, docs.flatMap((d) => (d ? [d.payload.seq] : [])));
    rows.forEach((row, i) => {
      const doc = docs[i];
      if (!doc) return;
      const where = `checkpoint at seq ${row.seq}`;
      const p = doc.payload;
      const sig = memberSignatureProblem(doc, regionKeys);
      if (sig) {
        problems.push({ seq: row.seq, reason: `${where}: ${sig}` });
        return;
      }
      if (p.regionCode !== opts.regionCode) problems.push({ seq: row.seq, reason: `${where}: signed for region ${p.regionCode}, not ${opts.regionCode}` });
      if (p.seq !== row.seq || p.headHash !== row.head_hash || p.count !== row.entry_count) {
        problems.push({ seq: row.seq, reason: `${where}: the row does not match its signed document` });
      }
      if (opts.suiteAlgorithm && isAuditAlgorithm(p.algorithm) && p.algorithm !== opts.suiteAlgorithm) {
        problems.push({ seq: row.seq, reason: `${where}: algorithm ${p.algorithm}, expected ${opts.suiteAlgorithm}` });
      }
      const bad = headProblem(p.seq, p.headHash, hashes.get(p.seq), {
        tail: `${where}: signed head seq ${p.seq} but ${endOfLog} (entries deleted from the tail)`,
        missing: `${where}: entry ${p.seq} is missing`,
        rewritten: `${where}: the signed head hash differs from entry ${p.seq} (history rewritten)`,
      });
      if (bad) problems.push(bad);
      if (row.countersignature !== null) {
        let anchor: unknown;
        try {
          anchor = JSON.parse(row.countersignature);
        } catch {
          anchor = undefined;
        }
        const a = anchorProblem(anchor, doc, hubKeys);
        if (a) problems.push({ seq: row.seq, reason: `${where}: ${a}` });
        else anchored++;
      }
    });
    checkpoints += rows.length;
  }

  // the hub's anchors: each anchored head must still be in the local log, unchanged
  let compared = 0;
  let hubAnchorsError: string | undefined;
  if (opts.hubAnchors) {
    const compare = async (batch: HubAnchor[]) => {
      const hashes = await entryHashes(db, batch.map((a) => a.seq));
      for (const a of batch) {
        const where = `hub anchor at seq ${a.seq}`;
        let cp: Checkpoint;
        try {
          cp = checkCheckpointShape(a.checkpoint);
        } catch {
          problems.push({ seq: a.seq, reason: `${where}: the hub served a malformed checkpoint` });
          continue;
        }
        const bad = anchorProblem(a.countersignature, cp, hubKeys) ?? prefixed('checkpoint ', memberSignatureProblem(cp, regionKeys));
        if (bad || cp.payload.regionCode !== opts.regionCode || cp.payload.seq !== a.seq) {
          problems.push({ seq: a.seq, reason: `${where}: ${bad ?? 'for another region or seq'}` });
          continue;
        }
        const head = headProblem(a.seq, cp.payload.headHash, hashes.get(a.seq), {
          tail: `hub anchors seq ${a.seq} but ${endOfLog} (entries deleted from the tail)`,
          missing: `hub anchors seq ${a.seq}, which is missing from the local log`,
          rewritten: `seq ${a.seq}: hash differs from the head the hub anchored (history rewritten)`,
        });
        if (head) problems.push(head);
      }
      compared += batch.length;
    };
    let batch: HubAnchor[] = [];
    try {
      for await (const a of opts.hubAnchors) {
        batch.push(a);
        if (batch.length === pageSize) {
          await compare(batch);
          batch = [];
        }
      }
    } catch (e) {
      hubAnchorsError = e instanceof TongbanError ? (e.detail ?? e.code) : (e as Error).message;
    }
    await compare(batch);
  }

  const restores = opts.hubRestores?.map((r) => checkRestore(r, opts.regionCode, regionKeys, hubKeys, problems));

  const firstProblem = firstOf(problems);
  return {
    ok: problems.length === 0,
    entries: chain.entries,
    lastSeq,
    headHash: chain.head?.hash ?? null,
    algorithms: chain.algorithmsSeen,
    checkpoints,
    anchored,
    ...(opts.hubAnchors ? { hubAnchors: compared } : {}),
    ...(hubAnchorsError ? { hubAnchorsError } : {}),
    ...(restores ? { restores: restores.filter((r): r is RestoreSummary => r !== undefined) } : {}),
    ...(firstProblem ? { firstProblem } : {}),
    problems,
  };
}

/** A restore declaration the hub served: signed by the region, receipted by the hub. A bad one is a problem at its first superseded seq. */
function checkRestore(r: HubRestore, regionCode: string, regionKeys: PublicKeyEntry[], hubKeys: readonly PublicKeyEntry[], problems: ChainProblem[]): RestoreSummary | undefined {
  const { summary, problem } = readRestore(r, regionCode, { region: regionKeys, hub: hubKeys });
  if (problem === undefined) return summary;
  if (problem.check === 'shape') problems.push({ seq: r.superseded[0]?.seq ?? 0, reason: `restore declaration: ${problem.reason}` });
  else problems.push({ seq: summary.keepThrough + 1, reason: `restore declaration after seq ${summary.keepThrough}: ${problem.reason}` });
  return undefined;
}

/**
 * A restore declaration as the hub serves it: what it declares (from the declaration, and the range
 * the hub's receipt says it set aside), and the first check it fails — the one rule for `audit
 * verify` and the console's status page: a well-formed declaration (else what the summary has comes
 * from the receipt alone), for this region, signed by one of the region's keys (when they are given),
 * and the hub's receipt signed by a hub key and binding it.
 */
export function readRestore(r: HubRestore, regionCode: string, keys: { region?: readonly PublicKeyEntry[]; hub: readonly PublicKeyEntry[] | undefined }): { summary: RestoreSummary; problem?: RestoreProblem } {
  const receipt = (r.receipt as { payload?: Partial<Record<'keepThrough' | 'supersededFrom' | 'supersededThrough' | 'superseded', number> & { recordedAt: string }> } | null)?.payload ?? {};
  let declaration: RestoreDeclaration;
  try {
    declaration = checkRestoreShape(r.declaration);
  } catch (e) {
    const keepThrough = receipt.keepThrough ?? 0;
    const summary: RestoreSummary = {
      declaredAt: '',
      recordedAt: receipt.recordedAt ?? '',
      keepThrough,
      supersededFrom: receipt.supersededFrom ?? keepThrough + 1,
      supersededThrough: receipt.supersededThrough ?? 0,
      superseded: receipt.superseded ?? r.superseded.length,
      reason: '',
      declarationDigest: '',
    };
    return { summary, problem: { check: 'shape', reason: (e as Error).message } };
  }
  const d = declaration.payload;
  const summary: RestoreSummary = {
    declaredAt: d.at,
    recordedAt: receipt.recordedAt ?? '',
    keepThrough: d.keepThrough,
    supersededFrom: receipt.supersededFrom ?? d.keepThrough + 1,
    supersededThrough: receipt.supersededThrough ?? d.supersededThrough,
    superseded: receipt.superseded ?? r.superseded.length,
    reason: d.reason,
    declarationDigest: restoreDigest(declaration),
  };
  const problem = ((): RestoreProblem | undefined => {
    if (d.regionCode !== regionCode) return { check: 'region', reason: `for region ${d.regionCode}` };
    const signature = keys.region ? memberSignatureProblem(declaration, keys.region) : undefined;
    if (signature !== undefined) return { check: 'declaration', reason: `declaration ${signature}` };
    if (!keys.hub) return { check: 'hub-keys', reason: 'the hub keys are not known yet' };
    const receiptProblem = restoreReceiptProblem(r.receipt, declaration, keys.hub);
    return receiptProblem === undefined ? undefined : { check: 'receipt', reason: receiptProblem };
  })();
  return { summary, ...(problem === undefined ? {} : { problem }) };
}

/**
 * A table's rows in seq order, a page at a time: `read(after)` reads the page after seq `after`, from
 * the very first row when it is undefined (whatever seq a tampered row was given, zero or below too).
 */
async function* bySeq<R extends { seq: number | string }>(read: (after: number | undefined) => Promise<R[]>, pageSize: number): AsyncGenerator<R[]> {
  let after: number | undefined;
  for (;;) {
    const page = await read(after);
    if (page.length > 0) yield page;
    if (page.length < pageSize) return;
    after = Number(page.at(-1)!.seq);
  }
}

/** The query, past seq `after` when given. */
function afterSeq<Q extends { where: (col: 'seq', op: '>', v: number) => Q }>(q: Q, after: number | undefined): Q {
  return after === undefined ? q : q.where('seq', '>', after);
}

/** The stored hash of each of these entries (absent: no such entry). */
export async function entryHashes(db: Kysely<TongbanDB>, seqs: number[]): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  const wanted = [...new Set(seqs)];
  for (let i = 0; i < wanted.length; i += 1000) {
    const rows = await db.selectFrom('audit_entry').select(['seq', 'hash']).where('seq', 'in', wanted.slice(i, i + 1000)).execute();
    for (const r of rows) out.set(Number(r.seq), r.hash);
  }
  return out;
}

/**
 * How long a call to the hub may take: its own timeout (default 10 s), or a signal several calls share
 * — one deadline for all of them, however many pages they read.
 */
export interface HubCallLimit {
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** GETs a hub endpoint's JSON. Throws E_HUB_UNAVAILABLE when the hub cannot be reached or does not answer 2xx. */
export async function hubGetJson(url: string, limit: HubCallLimit = {}): Promise<unknown> {
  const res = await hubFetch(url, {}, limit);
  if (!res.ok) throw new TongbanError('E_HUB_UNAVAILABLE', `${url}: HTTP ${res.status}`);
  return res.json();
}

/**
 * POSTs a signed document to the hub and returns its answer. A refusal (4xx) throws the hub's own
 * code (E_CONFLICT when it names none in the vocabulary); an unreachable or failing hub (5xx) throws
 * E_HUB_UNAVAILABLE: worth retrying.
 */
export async function hubPostJson(url: string, body: unknown, timeoutMs = 10_000): Promise<unknown> {
  const res = await hubFetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }, { timeoutMs });
  const answer = (await res.json().catch(() => ({}))) as { error?: { code?: string; detail?: string } };
  if (res.ok) return answer;
  const hubCode = answer.error?.code;
  const code: ErrorCode = res.status >= 500 ? 'E_HUB_UNAVAILABLE' : hubCode !== undefined && Object.hasOwn(ERRORS, hubCode) ? (hubCode as ErrorCode) : 'E_CONFLICT';
  throw new TongbanError(code, `hub answered ${res.status} ${hubCode ?? ''} ${answer.error?.detail ?? ''}`.trim());
}

async function hubFetch(url: string, init: RequestInit, limit: HubCallLimit): Promise<Response> {
  try {
    return await fetch(url, { ...init, signal: limit.signal ?? AbortSignal.timeout(limit.timeoutMs ?? 10_000) });
  } catch (e) {
    const err = e as { name?: string; cause?: { code?: string }; message?: string };
    throw new TongbanError('E_HUB_UNAVAILABLE', `${url}: ${err.name === 'TimeoutError' ? 'timed out' : (err.cause?.code ?? err.message)}`);
  }
}

/**
 * The anchors the hub holds for a region (after a seq), fetched a page at a time as they are read
 * (each page within `timeoutMs`, or all of them before `signal` aborts). Throws E_HUB_UNAVAILABLE.
 */
export async function* hubAnchorPages(hubUrl: string, regionCode: string, opts: HubCallLimit & { after?: number } = {}): AsyncGenerator<HubAnchor> {
  const { after: from, ...limit } = opts;
  let after = from ?? 0;
  for (;;) {
    const body = (await hubGetJson(`${hubUrl}/api/hub/audit/anchors/${regionCode}?after=${after}`, limit)) as { anchors: HubAnchor[]; next?: number };
    yield* body.anchors;
    if (body.next === undefined || body.anchors.length === 0) return;
    after = body.next;
  }
}

/** A region's restore declarations as the hub holds them (PROTOCOL §6.6), oldest first; not verified here. Throws E_HUB_UNAVAILABLE. */
export async function fetchHubRestores(hubUrl: string, regionCode: string, limit: HubCallLimit = {}): Promise<HubRestore[]> {
  return ((await hubGetJson(`${hubUrl}/api/hub/audit/restores/${regionCode}`, limit)) as { restores: HubRestore[] }).restores;
}

/** Fetches every anchor the hub holds for a region (a few, in tests and tools; verification streams them). */
export async function fetchHubAnchors(hubUrl: string, regionCode: string, opts: HubCallLimit = {}): Promise<HubAnchor[]> {
  const out: HubAnchor[] = [];
  for await (const a of hubAnchorPages(hubUrl, regionCode, opts)) out.push(a);
  return out;
}

/** `problem` after `prefix`, or undefined when there is no problem: the check is run once. */
function prefixed(prefix: string, problem: string | undefined): string | undefined {
  return problem === undefined ? undefined : `${prefix}${problem}`;
}
