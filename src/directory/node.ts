// Node side of the directory: the publisher sends this node's published catalog to the hub (on start,
// whenever the catalog publishes, and again with backoff while the hub is down); the sync keeps the
// node's cache of the hub's directory — fetched incrementally, verified against the pinned hub key,
// applied in one transaction per page — so search keeps working while the hub is down. PROTOCOL.md §7.

import { EventEmitter } from 'node:events';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { ERRORS, TongbanError, type ErrorCode } from '../core/errors.js';
import { nowIso } from '../core/time.js';
import type { Signer } from '../core/signed-document.js';
import type { TongbanDB } from '../store/schema.js';
import { getMeta, setMeta } from '../store/meta.js';
import type { NodeFederation } from '../node/federation.js';
import { entriesOf, entryFields, type PublishedSet } from './entry.js';
import { buildPublication, entriesDigest, verifyDirectory, DIRECTORY_PAGE_DEFAULT, type DirectoryPayload } from './documents.js';
import { deleteRows, insertRows, liveRow, type EntryRows } from './rows.js';

const META = {
  sequence: 'directory.sequence',
  directoryId: 'directory.id',
  issuedAt: 'directory.issued_at',
  syncedAt: 'directory.synced_at',
  pubSequence: 'directory.publication.sequence',
  pubDigest: 'directory.publication.digest',
  pubAccepted: 'directory.publication.accepted',
} as const;

/** A page is refused when dated further ahead of this node's clock than this. */
const FUTURE_WINDOW_MS = 5 * 60 * 1000;

interface HubAnswer {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON from the hub, checked by the caller
  body: any;
}

async function callHub(hubUrl: string, method: string, path: string, body: unknown, timeoutMs: number): Promise<HubAnswer> {
  let res: Response;
  try {
    res = await fetch(`${hubUrl}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (e) {
    const err = e as { name?: string; message?: string; cause?: { code?: string } };
    throw new TongbanError('E_HUB_UNAVAILABLE', `${hubUrl}: ${err.name === 'TimeoutError' ? 'timed out' : (err.cause?.code ?? err.message ?? String(e))}`);
  }
  const text = await res.text();
  let parsed: unknown = undefined;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: reported by status below
  }
  return { status: res.status, body: parsed };
}

function hubError(what: string, a: HubAnswer): TongbanError {
  const code = a.body?.error?.code as string | undefined;
  const detail = `${what}: hub answered ${a.status}${code ? ` ${code}` : ''}${a.body?.error?.detail ? ` (${a.body.error.detail})` : ''}`;
  const known = a.status < 500 && code && code in ERRORS ? (code as ErrorCode) : 'E_HUB_UNAVAILABLE';
  return new TongbanError(known, detail);
}

// ---- the directory cache -----------------------------------------------------------------------

export interface DirectorySyncState {
  directoryId: string | null;
  /** every change up to this directory sequence is in the cache */
  sequence: number;
  /** when the last round completed (all pages fetched) */
  syncedAt: string | null;
  hubReachable: boolean | null;
  error?: string;
}

export interface DirectorySyncOptions {
  db: Kysely<TongbanDB>;
  federation: NodeFederation;
  hubUrl: string;
  /** the pinned hub key id (configured, or pinned on first use by the federation) */
  pinnedKeyId: () => Promise<string | undefined>;
  logger: Logger;
  /** seconds between rounds (default 60); 0: only on demand */
  refreshSeconds?: number;
  pageSize?: number;
  requestTimeoutMs?: number;
}

export class DirectorySync extends EventEmitter {
  private state: DirectorySyncState = { directoryId: null, sequence: 0, syncedAt: null, hubReachable: null };
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;
  private failures = 0;
  private issuedAt: string | null = null;
  private readonly onFederation = () => {
    if (!this.state.syncedAt && this.opts.federation.current.trustList && !this.running) this.schedule(0);
  };

  constructor(private readonly opts: DirectorySyncOptions) {
    super();
    this.setMaxListeners(100);
  }

  get current(): DirectorySyncState {
    return this.state;
  }

  async start(): Promise<void> {
    const [id, seq, syncedAt, issuedAt] = await Promise.all([META.directoryId, META.sequence, META.syncedAt, META.issuedAt].map((k) => getMeta(this.opts.db, k)));
    this.state = { directoryId: id ?? null, sequence: Number(seq ?? 0), syncedAt: syncedAt ?? null, hubReachable: null };
    this.issuedAt = issuedAt ?? null;
    this.stopped = false;
    this.opts.federation.on('change', this.onFederation);
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.opts.federation.off('change', this.onFederation);
    await this.running?.catch(() => undefined);
  }

  /** A round soon (after the one running, if any), unless stopped: the hub's directory has changed. */
  refreshSoon(): void {
    if (this.stopped) return;
    if (this.running) void this.running.finally(() => this.schedule(0));
    else this.schedule(0);
  }

  /** One round: every page after the cached sequence. Coalesces concurrent calls. */
  syncNow(): Promise<void> {
    this.running ??= this.round().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.syncNow().finally(() => {
        const refresh = this.opts.refreshSeconds ?? 60;
        if (this.failures > 0) this.schedule(Math.min(1000 * 2 ** (this.failures - 1), 60_000));
        else if (refresh > 0) this.schedule(refresh * 1000);
      });
    }, delayMs).unref();
  }

  private async round(): Promise<void> {
    try {
      const hubKeys = this.opts.federation.current.trustList?.hub.keys;
      const pinned = await this.opts.pinnedKeyId();
      if (!hubKeys || !pinned) throw new TongbanError('E_NOT_TRUSTED', 'no verified member list yet: the hub key is unknown');
      for (let pages = 0; pages < 10_000; pages++) {
        const asked = this.state.sequence;
        let p = await this.fetchPage(asked, pinned, hubKeys);
        let reset = this.state.directoryId === null;
        if (this.state.directoryId !== null && (p.directoryId !== this.state.directoryId || p.head < asked)) {
          this.opts.logger.warn(
            { held: { directoryId: this.state.directoryId, sequence: asked }, hub: { directoryId: p.directoryId, head: p.head } },
            'the hub directory was reset or lost changes; fetching it again from the start',
          );
          if (asked !== 0) p = await this.fetchPage(0, pinned, hubKeys);
          reset = true;
        }
        await this.apply(p, reset);
        if (!p.more) break;
      }
      this.failures = 0;
      const syncedAt = nowIso();
      await setMeta(this.opts.db, META.syncedAt, syncedAt);
      this.update({ syncedAt, hubReachable: true, error: undefined });
      this.emit('synced', this.state);
    } catch (e) {
      const err = e as TongbanError;
      this.failures++;
      this.opts.logger.warn({ err: err.message }, 'directory sync failed; searches use the cache');
      this.update({ hubReachable: err.code === 'E_HUB_UNAVAILABLE' ? false : this.state.hubReachable, error: err.message });
    }
  }

  private async fetchPage(since: number, pinned: string, hubKeys: NonNullable<NodeFederation['current']['trustList']>['hub']['keys']): Promise<DirectoryPayload> {
    const a = await callHub(this.opts.hubUrl, 'GET', `/api/hub/directory?since=${since}&limit=${this.opts.pageSize ?? DIRECTORY_PAGE_DEFAULT}`, undefined, this.opts.requestTimeoutMs ?? 30_000);
    if (a.status !== 200) throw hubError('directory', a);
    const p = verifyDirectory(a.body, pinned, hubKeys);
    const now = Date.now();
    if (p.since !== since) throw new TongbanError('E_INVALID_REQUEST', `asked for changes after ${since}, the page holds changes after ${p.since}`);
    if (Date.parse(p.expiresAt) <= now) throw new TongbanError('E_NOT_TRUSTED', `the directory page expired at ${p.expiresAt}`);
    if (Date.parse(p.issuedAt) - now > FUTURE_WINDOW_MS) throw new TongbanError('E_CLOCK_SKEW', `the directory page is dated ${p.issuedAt}, ahead of this node's clock`);
    if (this.issuedAt && Date.parse(p.issuedAt) < Date.parse(this.issuedAt) - FUTURE_WINDOW_MS) {
      throw new TongbanError('E_NOT_TRUSTED', `the directory page was issued at ${p.issuedAt}, before the page applied last (${this.issuedAt}): a replay`);
    }
    return p;
  }

  /** Applies one verified page in one transaction (a reset first empties the cache). */
  private async apply(p: DirectoryPayload, reset: boolean): Promise<void> {
    await applyDirectoryPage(this.opts.db, p, reset, this.opts.logger);
    this.issuedAt = p.issuedAt;
    this.update({ directoryId: p.directoryId, sequence: p.sequence });
  }

  private update(patch: Partial<DirectorySyncState>): void {
    this.state = { ...this.state, ...patch };
    this.emit('change', this.state);
  }
}

/**
 * Applies a verified directory page to this node's copy in one transaction: each entry replaces the
 * one with the same (region, kind, id), a tombstone removes it; then the page's sequence and directory
 * id are recorded. A reset first empties the copy. An entry whose content does not describe an entry
 * (a newer format) is left out and logged.
 */
export async function applyDirectoryPage(db: Kysely<TongbanDB>, p: DirectoryPayload, reset: boolean, logger?: Logger): Promise<void> {
  const rows: EntryRows[] = [];
  for (const e of p.entries) {
    if (e.deleted) continue;
    try {
      rows.push(liveRow({ region: e.region, kind: e.kind, id: e.id, seq: e.seq, publication: e.publication, changedAt: e.changedAt }, e.content, entryFields(e.kind, e.content)));
    } catch (err) {
      logger?.warn({ region: e.region.code, kind: e.kind, id: e.id, err: (err as Error).message }, 'directory entry not cached: its content does not describe an entry');
    }
  }
  await db.transaction().execute(async (tx) => {
    if (reset) {
      await tx.deleteFrom('directory_entry_text').execute();
      await tx.deleteFrom('directory_entry_body').execute();
      await tx.deleteFrom('directory_entry').execute();
    } else if (p.entries.length) {
      // the rows these entries replace (or withdraw), looked up by the whole key (region, kind, id) so
      // that the key's index serves it: by id alone it was a scan of the index per page
      const byRegionKind = new Map<string, { region: string; kind: string; ids: Set<string> }>();
      for (const e of p.entries) {
        const k = `${e.region.code}/${e.kind}`;
        const group = byRegionKind.get(k) ?? byRegionKind.set(k, { region: e.region.code, kind: e.kind, ids: new Set() }).get(k)!;
        group.ids.add(e.id);
      }
      const existing: number[] = [];
      for (const { region, kind, ids } of byRegionKind.values()) {
        const all = [...ids];
        for (let i = 0; i < all.length; i += 500) {
          const found = await tx.selectFrom('directory_entry').select('seq')
            .where('region_code', '=', region).where('kind', '=', kind).where('entry_id', 'in', all.slice(i, i + 500))
            .execute();
          for (const r of found) existing.push(Number(r.seq));
        }
      }
      await deleteRows(tx, existing);
    }
    await insertRows(tx, rows);
    await setMeta(tx, META.sequence, String(p.sequence));
    await setMeta(tx, META.directoryId, p.directoryId);
    await setMeta(tx, META.issuedAt, p.issuedAt);
  });
}

// ---- publishing -------------------------------------------------------------------------------

export interface PublisherState {
  /** the sequence of the last publication built */
  sequence: number;
  accepted: boolean;
  lastAttemptAt: string | null;
  lastAcceptedAt: string | null;
  error?: string;
}

export interface DirectoryPublisherOptions {
  db: Kysely<TongbanDB>;
  /** the node's signing identity (swapped in place on key rotation) */
  signer: Signer;
  regionCode: string;
  hubUrl: string;
  /** the catalog's published entries (the catalog's `listPublished`) */
  listPublished: () => Promise<PublishedSet>;
  logger: Logger;
  /** publishing waits for approval and restarts when it comes */
  federation?: NodeFederation;
  /** first retry delay (default 1000 ms; doubles up to maxRetryMs) */
  retryBaseMs?: number;
  maxRetryMs?: number;
  requestTimeoutMs?: number;
}

export class DirectoryPublisher extends EventEmitter {
  private state: PublisherState = { sequence: 0, accepted: false, lastAttemptAt: null, lastAcceptedAt: null };
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<boolean> | undefined;
  private dirty = false;
  private stopped = true;
  private failures = 0;
  private readonly onFederation = () => {
    if (this.opts.federation?.current.membership === 'approved' && !this.state.accepted && this.failures > 0) this.schedule(0);
  };

  constructor(private readonly opts: DirectoryPublisherOptions) {
    super();
    this.setMaxListeners(100);
  }

  get current(): PublisherState {
    return this.state;
  }

  /** Publishes now and keeps retrying until the hub has it. */
  async start(): Promise<void> {
    this.state.sequence = Number((await getMeta(this.opts.db, META.pubSequence)) ?? 0);
    this.stopped = false;
    this.opts.federation?.on('change', this.onFederation);
    this.notify();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.opts.federation?.off('change', this.onFederation);
    await this.running?.catch(() => undefined);
  }

  /** The catalog published or withdrew something: publish the new set soon (calls coalesce). */
  notify(): void {
    this.dirty = true;
    this.failures = 0;
    if (!this.running) this.schedule(0);
  }

  /** One attempt; resolves true when the hub holds this node's current set. */
  publishNow(): Promise<boolean> {
    this.running ??= this.attempt().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.dirty = false;
      void this.publishNow().then((ok) => {
        if (this.dirty) this.schedule(0);
        else if (!ok) this.schedule(Math.min((this.opts.retryBaseMs ?? 1000) * 2 ** Math.max(this.failures - 1, 0), this.opts.maxRetryMs ?? 300_000));
      });
    }, delayMs).unref();
  }

  private async attempt(): Promise<boolean> {
    const at = nowIso();
    try {
      const entries = entriesOf(await this.opts.listPublished());
      const digest = entriesDigest(entries);
      let sequence = Number((await getMeta(this.opts.db, META.pubSequence)) ?? 0);
      const lastDigest = await getMeta(this.opts.db, META.pubDigest);
      if (digest !== lastDigest || sequence === 0) {
        // a new set takes a new number, recorded before it is sent, so a number never means two sets
        sequence++;
        await this.record(sequence, digest, false);
      }
      for (let tries = 0; tries < 2; tries++) {
        const doc = buildPublication(this.opts.signer, this.opts.regionCode, sequence, entries);
        const a = await callHub(this.opts.hubUrl, 'POST', '/api/hub/directory/publications', doc, this.opts.requestTimeoutMs ?? 60_000);
        if (a.status === 200 || a.status === 201) {
          await setMeta(this.opts.db, META.pubAccepted, '1');
          this.failures = 0;
          this.state = { sequence, accepted: true, lastAttemptAt: at, lastAcceptedAt: nowIso() };
          this.opts.logger.info({ sequence, entries: entries.length, ...(a.body ?? {}) }, a.status === 201 ? 'directory publication accepted' : 'directory publication already held by the hub');
          this.emit('published', this.state);
          return true;
        }
        if (a.status === 409 && a.body?.error?.code === 'E_CONFLICT') {
          // the hub holds a later number than this node remembers (a restored database): continue above it
          const s = await callHub(this.opts.hubUrl, 'GET', `/api/hub/directory/publications/${this.opts.regionCode}`, undefined, this.opts.requestTimeoutMs ?? 10_000);
          const held = Number(s.body?.sequence ?? 0);
          if (s.status === 200 && held >= sequence) {
            this.opts.logger.warn({ ours: sequence, hub: held }, 'the hub holds a later publication sequence than this node; continuing above it');
            sequence = held + 1;
            await this.record(sequence, digest, false);
            continue;
          }
        }
        throw hubError('publication', a);
      }
      throw new TongbanError('E_CONFLICT', 'publication sequence could not be settled');
    } catch (e) {
      this.failures++;
      const msg = (e as Error).message;
      this.opts.logger.warn({ err: msg, failures: this.failures }, 'directory publication not accepted; will retry');
      this.state = { ...this.state, accepted: false, lastAttemptAt: at, error: msg };
      this.emit('failed', this.state);
      return false;
    }
  }

  private async record(sequence: number, digest: string, accepted: boolean): Promise<void> {
    await this.opts.db.transaction().execute(async (tx) => {
      await setMeta(tx, META.pubSequence, String(sequence));
      await setMeta(tx, META.pubDigest, digest);
      await setMeta(tx, META.pubAccepted, accepted ? '1' : '0');
    });
    this.state = { ...this.state, sequence, accepted };
  }
}
