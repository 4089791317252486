// Verifying a server's whole audit log: the chain (chain.ts), the head row, every checkpoint's
// signature and the hub's countersignature, and — when the hub's anchors are supplied — that no
// anchored head has been rewritten or cut off. Names the first bad entry.

import type { Kysely } from 'kysely';
import { TongbanError } from '../core/errors.js';
import type { TongbanDB } from '../store/schema.js';
import type { PublicKeyEntry, TrustListPayload } from '../federation/documents.js';
import { ChainVerifier, firstOf, isAuditAlgorithm, type AuditAlgorithm, type ChainProblem } from './chain.js';
import { anchorProblem, checkCheckpointShape, checkpointSignatureProblem, keysOfRegion, type Anchor, type Checkpoint } from './documents.js';
import { normaliseEntry } from './log.js';

/** One anchor as the hub serves it (GET /api/hub/audit/anchors/{regionCode}). */
export interface HubAnchor {
  seq: number;
  headHash: string;
  receivedAt: string;
  checkpoint: Checkpoint;
  countersignature: Anchor;
}

export interface VerifyOptions {
  /** the region whose log this is (the hub: 000000) */
  regionCode: string;
  /** a verified member list: the region's keys (retired ones too) and the hub's keys */
  trustList: Pick<TrustListPayload, 'members' | 'hub'>;
  /** the algorithm this server's suite uses; entries hashed otherwise are reported */
  suiteAlgorithm?: AuditAlgorithm;
  /** the hub's anchors for this region; when given, truncation and rewritten history are detected */
  hubAnchors?: HubAnchor[];
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
  firstProblem?: ChainProblem;
  problems: ChainProblem[];
}

export async function verifyAuditLog(db: Kysely<TongbanDB>, opts: VerifyOptions): Promise<VerifyReport> {
  const problems: ChainProblem[] = [];
  const checkpointRows = (await db.selectFrom('audit_checkpoint').selectAll().orderBy('seq').execute()).map((r) => ({
    ...r,
    seq: Number(r.seq),
    entry_count: Number(r.entry_count),
  }));
  const hubAnchors = opts.hubAnchors ?? [];
  // hashes worth remembering while the chain streams by: those a checkpoint or an anchor names
  const watched = new Set<number>([...checkpointRows.map((c) => c.seq), ...hubAnchors.map((a) => a.seq)]);
  const hashAt = new Map<number, string>();

  const chain = new ChainVerifier(opts.suiteAlgorithm ? { expectedAlgorithm: opts.suiteAlgorithm } : {});
  const pageSize = opts.pageSize ?? 5000;
  let after = -Infinity;
  for (;;) {
    let q = db.selectFrom('audit_entry').selectAll().orderBy('seq').limit(pageSize);
    if (after !== -Infinity) q = q.where('seq', '>', after);
    const page = await q.execute();
    for (const raw of page) {
      const e = normaliseEntry(raw);
      chain.push(e);
      if (watched.has(e.seq)) hashAt.set(e.seq, e.hash);
    }
    if (page.length < pageSize) break;
    after = Number(page.at(-1)!.seq);
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

  // checkpoints: signature by the region's key, row consistent with its document, head present and equal
  const regionKeys = [...keysOfRegion(opts.trustList, opts.regionCode), ...(opts.extraKeys ?? [])];
  const hubKeys = opts.trustList.hub.keys;
  let anchored = 0;
  for (const row of checkpointRows) {
    const where = `checkpoint at seq ${row.seq}`;
    let doc: Checkpoint;
    try {
      doc = checkCheckpointShape(JSON.parse(row.document));
    } catch (e) {
      problems.push({ seq: row.seq, reason: `${where}: not a valid checkpoint document (${(e as Error).message})` });
      continue;
    }
    const p = doc.payload;
    const sig = checkpointSignatureProblem(doc, regionKeys);
    if (sig) {
      problems.push({ seq: row.seq, reason: `${where}: ${sig}` });
      continue;
    }
    if (p.regionCode !== opts.regionCode) problems.push({ seq: row.seq, reason: `${where}: signed for region ${p.regionCode}, not ${opts.regionCode}` });
    if (p.seq !== row.seq || p.headHash !== row.head_hash || p.count !== row.entry_count) {
      problems.push({ seq: row.seq, reason: `${where}: the row does not match its signed document` });
    }
    if (opts.suiteAlgorithm && isAuditAlgorithm(p.algorithm) && p.algorithm !== opts.suiteAlgorithm) {
      problems.push({ seq: row.seq, reason: `${where}: algorithm ${p.algorithm}, expected ${opts.suiteAlgorithm}` });
    }
    const local = hashAt.get(p.seq);
    if (local === undefined) {
      problems.push({ seq: Math.min(p.seq, lastSeq + 1), reason: p.seq > lastSeq ? `${where}: signed head seq ${p.seq} but ${endOfLog} (entries deleted from the tail)` : `${where}: entry ${p.seq} is missing` });
    } else if (local !== p.headHash) {
      problems.push({ seq: p.seq, reason: `${where}: the signed head hash differs from entry ${p.seq} (history rewritten)` });
    }
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
  }

  // the hub's anchors: each anchored head must still be in the local log, unchanged
  for (const a of hubAnchors) {
    const where = `hub anchor at seq ${a.seq}`;
    let cp: Checkpoint;
    try {
      cp = checkCheckpointShape(a.checkpoint);
    } catch {
      problems.push({ seq: a.seq, reason: `${where}: the hub served a malformed checkpoint` });
      continue;
    }
    const bad = anchorProblem(a.countersignature, cp, hubKeys) ?? (checkpointSignatureProblem(cp, regionKeys) ? `checkpoint ${checkpointSignatureProblem(cp, regionKeys)}` : undefined);
    if (bad || cp.payload.regionCode !== opts.regionCode || cp.payload.seq !== a.seq) {
      problems.push({ seq: a.seq, reason: `${where}: ${bad ?? 'for another region or seq'}` });
      continue;
    }
    const local = hashAt.get(a.seq);
    if (a.seq > lastSeq) {
      problems.push({ seq: lastSeq + 1, reason: `hub anchors seq ${a.seq} but ${endOfLog} (entries deleted from the tail)` });
    } else if (local === undefined) {
      problems.push({ seq: a.seq, reason: `hub anchors seq ${a.seq}, which is missing from the local log` });
    } else if (local !== cp.payload.headHash) {
      problems.push({ seq: a.seq, reason: `seq ${a.seq}: hash differs from the head the hub anchored (history rewritten)` });
    }
  }

  const firstProblem = firstOf(problems);
  return {
    ok: problems.length === 0,
    entries: chain.entries,
    lastSeq,
    headHash: chain.head?.hash ?? null,
    algorithms: chain.algorithmsSeen,
    checkpoints: checkpointRows.length,
    anchored,
    ...(opts.hubAnchors ? { hubAnchors: hubAnchors.length } : {}),
    ...(firstProblem ? { firstProblem } : {}),
    problems,
  };
}

/** Fetches every anchor the hub holds for a region, page by page. Throws E_HUB_UNAVAILABLE. */
export async function fetchHubAnchors(hubUrl: string, regionCode: string, opts: { timeoutMs?: number } = {}): Promise<HubAnchor[]> {
  const out: HubAnchor[] = [];
  let after = 0;
  for (;;) {
    let res: Response;
    try {
      res = await fetch(`${hubUrl}/api/hub/audit/anchors/${regionCode}?after=${after}`, { signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000) });
    } catch (e) {
      const err = e as { cause?: { code?: string }; message?: string };
      throw new TongbanError('E_HUB_UNAVAILABLE', `${hubUrl}: ${err.cause?.code ?? err.message}`);
    }
    if (!res.ok) throw new TongbanError('E_HUB_UNAVAILABLE', `anchors: hub answered ${res.status}`);
    const body = (await res.json()) as { anchors: HubAnchor[]; next?: number };
    out.push(...body.anchors);
    if (body.next === undefined || body.anchors.length === 0) return out;
    after = body.next;
  }
}
