// A node's view of the federation: it joins the hub, keeps the signed member list (verified against
// the pinned hub key, cached in its own database so it keeps working while the hub is down), and
// probes the other members' health. State changes are events, so callers wait on conditions.

import { EventEmitter } from 'node:events';
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { TongbanError } from '../core/errors.js';
import { nowIso } from '../core/time.js';
import type { TongbanDB } from '../store/schema.js';
import type { Identity } from '../keys/index.js';
import { buildJoinRequest, verifyTrustList, type TrustList, type TrustListPayload } from '../federation/documents.js';
import { getMeta, setMeta } from '../store/meta.js';

export type MembershipStatus = 'unknown' | 'pending' | 'approved' | 'rejected' | 'suspended';

export interface FederationState {
  membership: MembershipStatus;
  membershipDetail?: string;
  /** the hub holds this node's new public URL or name for its operator; partners still use the approved ones */
  changePending?: boolean;
  trustList: TrustListPayload | null;
  /** where the current list came from: fetched from the hub this run, or the local cache */
  source: 'hub' | 'cache' | null;
  hubReachable: boolean | null;
  hubError?: string;
}

export interface NodeFederationOptions {
  db: Kysely<TongbanDB>;
  identity: Identity;
  region: { code: string; name: string };
  publicUrl: string;
  hub: { url: string; keyId?: string; refreshSeconds: number };
  logger: Logger;
  /** peer health probe interval; 0 disables the background probe */
  probeSeconds?: number;
  requestTimeoutMs?: number;
}

const PENDING_POLL_MS = 2000;
const MAX_BACKOFF_MS = 30_000;

export class NodeFederation extends EventEmitter {
  private state: FederationState = { membership: 'unknown', trustList: null, source: null, hubReachable: null };
  private timer: NodeJS.Timeout | undefined;
  private probeTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  private failures = 0;
  private etag: string | undefined;
  private syncing: Promise<void> | undefined;

  constructor(private readonly opts: NodeFederationOptions) {
    super();
    this.setMaxListeners(100);
  }

  get current(): FederationState {
    return this.state;
  }

  /** Loads the cached list and membership, then keeps in sync with the hub in the background. */
  async start(): Promise<void> {
    await this.loadCache();
    this.stopped = false;
    this.schedule(0);
    const probe = this.opts.probeSeconds ?? 15;
    if (probe > 0) {
      const tick = () => {
        this.probePeers()
          .catch((e) => this.opts.logger.warn({ err: (e as Error).message }, 'peer probe failed'))
          .finally(() => {
            if (!this.stopped) this.probeTimer = setTimeout(tick, probe * 1000).unref();
          });
      };
      this.probeTimer = setTimeout(tick, 0).unref();
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    clearTimeout(this.probeTimer);
    await this.syncing?.catch(() => undefined);
  }

  /** Resolves once the predicate holds (checked now and on every state change). */
  waitFor(predicate: (s: FederationState) => boolean, timeoutMs = 30_000): Promise<FederationState> {
    if (predicate(this.state)) return Promise.resolve(this.state);
    return new Promise((resolve, reject) => {
      const onChange = (s: FederationState) => {
        if (predicate(s)) {
          cleanup();
          resolve(s);
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new TongbanError('E_HUB_UNAVAILABLE', `federation state did not reach the expected condition within ${timeoutMs} ms`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.off('change', onChange);
      };
      this.on('change', onChange);
    });
  }

  private lastEagerRefresh = 0;

  /**
   * Refreshes the member list now unless that was done in the last few seconds; resolves true when
   * a list was fetched from the hub. For keys rotated since the last scheduled refresh.
   */
  async refreshSoon(minIntervalMs = 5000): Promise<boolean> {
    if (Date.now() - this.lastEagerRefresh < minIntervalMs) return false;
    this.lastEagerRefresh = Date.now();
    const before = this.state.trustList;
    await this.syncFresh();
    return this.state.source === 'hub' && this.state.trustList !== before;
  }

  /**
   * A round that starts now. A round already running may have fetched the member list before what the
   * caller needs was published (its own key rotation, a partner's new key): wait for it, then run another.
   */
  async syncFresh(): Promise<void> {
    if (this.syncing) await this.syncing.catch(() => undefined);
    return this.syncNow();
  }

  /** One round: assert membership, then fetch the member list if approved. Safe to call any time. */
  syncNow(): Promise<void> {
    this.syncing ??= this.syncOnce().finally(() => {
      this.syncing = undefined;
    });
    return this.syncing;
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.syncNow().finally(() => this.schedule(this.nextDelay()));
    }, delayMs).unref();
  }

  private nextDelay(): number {
    if (this.failures > 0) return Math.min(1000 * 2 ** (this.failures - 1), MAX_BACKOFF_MS);
    if (this.state.membership === 'approved') return this.opts.hub.refreshSeconds * 1000;
    if (this.state.membership === 'rejected') return MAX_BACKOFF_MS;
    return PENDING_POLL_MS;
  }

  private async syncOnce(): Promise<void> {
    try {
      await this.join();
      if (this.state.membership === 'approved' || this.state.membership === 'suspended') await this.fetchTrustList();
      this.failures = 0;
      this.update({ hubReachable: true, hubError: undefined });
    } catch (e) {
      const err = e as Error;
      const unreachable = !(e instanceof TongbanError) || e.code === 'E_HUB_UNAVAILABLE';
      if (unreachable) this.failures++;
      this.opts.logger.warn({ err: err.message }, 'hub sync failed');
      this.update({
        hubReachable: unreachable ? false : true,
        hubError: err.message,
        ...(this.state.trustList ? { source: 'cache' as const } : {}),
      });
    }
  }

  private async join(): Promise<void> {
    const req = buildJoinRequest(this.opts.identity, {
      regionCode: this.opts.region.code,
      name: this.opts.region.name,
      endpoint: this.opts.publicUrl,
      nonce: randomBytes(12).toString('base64url'),
    });
    const res = await this.http('POST', '/api/hub/members/join', req);
    const body = (await res.json().catch(() => ({}))) as { status?: string; changePending?: boolean; error?: { code?: string; detail?: string; messageEn?: string } };
    if (res.ok && (body.status === 'approved' || body.status === 'pending')) {
      await this.setMembership(body.status);
      const changePending = body.changePending === true;
      if (changePending && !this.state.changePending) {
        this.opts.logger.warn({ publicUrl: this.opts.publicUrl }, "the hub holds this node's new public URL or name for its operator's approval; partners use the approved ones until then");
      }
      if (changePending !== Boolean(this.state.changePending)) this.update({ changePending });
      return;
    }
    const code = body.error?.code;
    if (code === 'E_MEMBERSHIP_REJECTED') return this.setMembership('rejected', body.error?.detail);
    if (code === 'E_FORBIDDEN') return this.setMembership('suspended', body.error?.detail);
    if (code === 'E_REGION_TAKEN') return this.setMembership('rejected', body.error?.detail ?? 'region code held by another node');
    throw new TongbanError('E_HUB_UNAVAILABLE', `join: hub answered ${res.status} ${code ?? ''} ${body.error?.detail ?? ''}`.trim());
  }

  private async setMembership(status: MembershipStatus, detail?: string): Promise<void> {
    if (status !== this.state.membership || detail !== this.state.membershipDetail) {
      await setMeta(this.opts.db, 'membership.status', status);
      if (status !== this.state.membership) this.opts.logger.info({ membership: status }, 'membership status');
    }
    this.update({ membership: status, membershipDetail: detail });
  }

  private async fetchTrustList(): Promise<void> {
    const res = await this.http('GET', '/api/hub/trust-list', undefined, this.etag ? { 'if-none-match': this.etag } : {});
    if (res.status === 304 && this.state.trustList) {
      this.update({ source: 'hub' });
      return;
    }
    if (!res.ok) throw new TongbanError('E_HUB_UNAVAILABLE', `trust list: hub answered ${res.status}`);
    const doc = (await res.json()) as TrustList;
    const payload = await this.accept(doc);
    this.etag = res.headers.get('etag') ?? undefined;
    this.update({ trustList: payload, source: 'hub' });
  }

  /**
   * The member list this node holds, verbatim as the hub signed it (its cache), and the hub key id it
   * pins — what an evidence package carries so that anyone can check it offline. Undefined before the
   * first list was accepted.
   */
  async heldMemberList(): Promise<{ document: TrustList; hubKeyId: string } | undefined> {
    const row = await this.opts.db.selectFrom('trust_list_cache').select('document').where('slot', '=', 'current').executeTakeFirst();
    const hubKeyId = await pinnedHubKeyId(this.opts.db, this.opts.hub.keyId);
    return row && hubKeyId ? { document: JSON.parse(row.document) as TrustList, hubKeyId } : undefined;
  }

  /** Verifies a fetched list against the pinned hub key and the cached version, then caches it. */
  private async accept(doc: TrustList): Promise<TrustListPayload> {
    let anchor = await pinnedHubKeyId(this.opts.db, this.opts.hub.keyId);
    if (!anchor) {
      // Trust on first use: pin the key that signed the first list. Operators should pin hub.keyId.
      anchor = doc?.signature?.keyId;
      if (!anchor) throw new TongbanError('E_INVALID_REQUEST', 'member list carries no signature');
      this.opts.logger.warn({ hubKeyId: anchor }, 'pinning the hub key on first use; set hub.keyId in the config to pin it explicitly');
    }
    const payload = verifyTrustList(doc, { keyId: anchor });
    const cached = this.state.trustList;
    if (cached && payload.version < cached.version) {
      throw new TongbanError('E_NOT_TRUSTED', `hub served member list version ${payload.version}, older than cached ${cached.version}`);
    }
    const self = payload.members.find((m) => m.regionCode === this.opts.region.code);
    if (self && !self.keys.some((k) => k.keyId === this.opts.identity.keyId)) {
      this.opts.logger.error({ regionCode: this.opts.region.code }, 'the member list holds another key for this region');
    }
    const at = nowIso();
    await this.opts.db.transaction().execute(async (tx) => {
      await setMeta(tx, 'hub.key_id', anchor);
      await tx
        .insertInto('trust_list_cache')
        .values({ slot: 'current', version: payload.version, issued_at: payload.issuedAt, expires_at: payload.expiresAt, fetched_at: at, document: JSON.stringify(doc) })
        .onConflict((oc) =>
          oc.column('slot').doUpdateSet({ version: payload.version, issued_at: payload.issuedAt, expires_at: payload.expiresAt, fetched_at: at, document: JSON.stringify(doc) }),
        )
        .execute();
    });
    return payload;
  }

  private async loadCache(): Promise<void> {
    const status = (await getMeta(this.opts.db, 'membership.status')) as MembershipStatus | undefined;
    const row = await this.opts.db.selectFrom('trust_list_cache').selectAll().where('slot', '=', 'current').executeTakeFirst();
    let trustList: TrustListPayload | null = null;
    if (row) {
      const anchor = await pinnedHubKeyId(this.opts.db, this.opts.hub.keyId);
      try {
        if (!anchor) throw new Error('no pinned hub key');
        trustList = verifyTrustList(JSON.parse(row.document), { keyId: anchor });
      } catch (e) {
        this.opts.logger.error({ err: (e as Error).message }, 'cached member list does not verify; ignoring it');
      }
    }
    this.update({ membership: status ?? 'unknown', trustList, source: trustList ? 'cache' : null });
  }

  /** Checks every other member's /healthz once and records the result. */
  async probePeers(): Promise<void> {
    const list = this.state.trustList;
    if (!list) return;
    await Promise.all(
      list.members
        .filter((m) => m.regionCode !== this.opts.region.code)
        .map(async (m) => {
          const at = nowIso();
          let online = 0;
          let error: string | null = null;
          try {
            const res = await fetch(`${m.endpoint}/healthz`, { signal: AbortSignal.timeout(this.opts.requestTimeoutMs ?? 3000) });
            online = res.ok ? 1 : 0;
            if (!res.ok) error = `HTTP ${res.status}`;
          } catch (e) {
            error = describeFetchError(e);
          }
          const values = { online, last_checked_at: at, last_error: error, ...(online ? { last_seen_at: at } : {}) };
          await this.opts.db
            .insertInto('peer_status')
            .values({ region_code: m.regionCode, last_seen_at: null, ...values })
            .onConflict((oc) => oc.column('region_code').doUpdateSet(values))
            .execute();
        }),
    );
    this.emit('probed');
  }

  private update(patch: Partial<FederationState>): void {
    this.state = { ...this.state, ...patch };
    this.emit('change', this.state);
  }

  private async http(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
    try {
      return await fetch(`${this.opts.hub.url}${path}`, {
        method,
        headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...headers },
        ...(body ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(this.opts.requestTimeoutMs ?? 5000),
      });
    } catch (e) {
      throw new TongbanError('E_HUB_UNAVAILABLE', `${this.opts.hub.url}: ${describeFetchError(e)}`);
    }
  }
}

/** The hub key id a node pins: `hub.keyId` from its configuration, else the key it pinned on first use. */
export async function pinnedHubKeyId(db: Kysely<TongbanDB>, configured: string | undefined): Promise<string | undefined> {
  return configured ?? (await getMeta(db, 'hub.key_id'));
}

function describeFetchError(e: unknown): string {
  const err = e as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (err.name === 'TimeoutError') return 'timed out';
  return err.cause?.code ?? err.cause?.message ?? err.message ?? String(e);
}
