// The hub's relay for hub-and-spoke exchange (辐射式): a member posts an exchange message for
// another member to the hub, which checks that both are active members and that the message names
// a key of its sender, forwards the bytes unchanged, and records metadata only — message id,
// regions, sizes, status, duration. The payload is never stored; verification stays with the
// receiving node, which checks the signature end to end.

import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { Pool, type Dispatcher } from 'undici';
import { Type } from 'typebox';
import { TongbanError } from '../core/errors.js';
import { nowIso } from '../core/time.js';
import type { TongbanDB } from '../store/schema.js';
import { GroupCommitter } from '../store/group-commit.js';
import { prepareRows } from '../store/prepared.js';
import { PeriodicTask, purgeOlderThan, type PurgeTarget } from '../store/purge.js';
import { errorResponses, sendError, type App } from '../http/app.js';
import { trustIndexOf, type TrustIndex } from '../exchange/trust.js';
import { EXCHANGE_BODY_LIMIT } from '../exchange/envelope.js';
import type { CurrentTrustList } from './trust-list.js';
import type { HubRelayLogTable } from '../exchange/schema.js';

export interface RelayContext {
  db: Kysely<TongbanDB>;
  trustList: () => Promise<CurrentTrustList>;
  timeoutMs?: number;
  /** days hub_relay_log keeps a row (config relay.logRetentionDays) */
  logRetentionDays?: number;
  /** told of a failed purge of old log rows */
  onPurgeError?: (e: unknown) => void;
  /** told of every forwarded (or refused) message; regions that are not members come as 'unknown' */
  onForwarded?: (m: RelayedMessage) => void;
}

export interface RelayedMessage {
  kind: string;
  from: string;
  to: string;
  /** HTTP status returned to the sender */
  status: number;
  durationMs: number;
}

const DEFAULT_LOG_RETENTION_DAYS = 365;
const RELAY_PURGE_EVERY_MS = 10 * 60_000;
const RELAY_LOG_ROWS: PurgeTarget = { table: 'hub_relay_log', key: 'id', time: 'received_at' };

type RelayKind = 'requests' | 'inbox' | 'resources';
type LogRow = Omit<HubRelayLogTable, 'id'>;

export class Relay {
  private readonly pools = new Map<string, Pool>();
  private index: { at: number; idx: TrustIndex } | undefined;
  private readonly log: GroupCommitter<LogRow, undefined>;
  private readonly purger: PeriodicTask;

  constructor(private readonly ctx: RelayContext) {
    const insert = prepareRows<LogRow>(['message_id', 'kind', 'from_region', 'to_region', 'received_at', 'status', 'bytes_in', 'bytes_out', 'duration_ms'], (rows) =>
      ctx.db.insertInto('hub_relay_log').values(rows),
    );
    this.log = new GroupCommitter(async (rows) => {
      await ctx.db.executeQuery(insert(rows));
      return rows.map(() => undefined);
    }, 500);
    // metadata only, but one row a message: kept for the retention period, then deleted
    this.purger = new PeriodicTask(() => this.purge(), RELAY_PURGE_EVERY_MS, ctx.onPurgeError ?? (() => undefined));
    this.purger.start();
  }

  /** Deletes log rows older than the retention period; returns how many went. */
  purge(now = new Date()): Promise<number> {
    const days = this.ctx.logRetentionDays ?? DEFAULT_LOG_RETENTION_DAYS;
    return purgeOlderThan(this.ctx.db, RELAY_LOG_ROWS, new Date(now.getTime() - days * 86_400_000).toISOString());
  }

  /** The member list as an index, refreshed at most every two seconds on the hot path. */
  private async members(): Promise<TrustIndex> {
    if (!this.index || Date.now() - this.index.at > 2000) {
      this.index = { at: Date.now(), idx: trustIndexOf((await this.ctx.trustList()).doc.payload) };
    }
    return this.index.idx;
  }

  async forward(kind: RelayKind, target: string, body: Buffer | undefined, reply: FastifyReply, req: FastifyRequest): Promise<FastifyReply> {
    const started = performance.now();
    const idx = await this.members();
    const meta = body ? readMeta(body) : { from: req.headers['x-tongban-from'] as string | undefined };
    const to = idx.member(target);
    const row: LogRow = {
      message_id: meta.messageId ?? null, kind, from_region: meta.from ?? null, to_region: target, received_at: nowIso(),
      status: 0, bytes_in: body?.length ?? 0, bytes_out: 0, duration_ms: 0,
    };
    const finish = (status: number, bytesOut: number) => {
      row.status = status;
      row.bytes_out = bytesOut;
      row.duration_ms = Math.round(performance.now() - started);
      this.log.submit(row).catch((e: Error) => req.log.error({ err: e.message }, 'relay log write failed'));
      const known = (code: string | null) => (code && idx.member(code) ? code : 'unknown');
      this.ctx.onForwarded?.({ kind, from: known(row.from_region), to: known(target), status, durationMs: row.duration_ms });
    };
    try {
      if (!to || to.status !== 'active') throw new TongbanError('E_NOT_TRUSTED', `${target} is not an active member`);
      if (body) {
        // gatekeeping only: the sender must be an active member naming one of its active keys
        if (!meta.from || !meta.keyId || !meta.suite) throw new TongbanError('E_INVALID_REQUEST', 'not an exchange message');
        // a message goes only where it is addressed: the relay does not carry it to a member it does
        // not name (that member would refuse it, but only after the relay had delivered it)
        if (meta.to !== target) throw new TongbanError('E_INVALID_REQUEST', `the message is addressed to ${meta.to ?? 'no member'}, not ${target}`);
        idx.signingKey(meta.from, meta.keyId, meta.suite);
      }
      const url = new URL(`${to.endpoint}/api/exchange/v1/${kind}`);
      const res = await this.pool(url.origin).request({
        method: body ? 'POST' : 'GET',
        path: url.pathname,
        headers: body ? { 'content-type': 'application/json', 'x-tongban-relayed-by': 'hub' } : { 'x-tongban-relayed-by': 'hub' },
        ...(body ? { body } : {}),
        headersTimeout: this.ctx.timeoutMs ?? 15_000,
        bodyTimeout: this.ctx.timeoutMs ?? 15_000,
      });
      const out = await readAnswer(res, target);
      finish(res.statusCode, out.length);
      return reply.code(res.statusCode).type('application/json; charset=utf-8').send(out);
    } catch (e) {
      const err = e instanceof TongbanError ? e : toTransportError(e, target);
      finish(err.status, 0);
      return sendError(reply, req, err);
    }
  }

  private pool(origin: string): Pool {
    let p = this.pools.get(origin);
    if (!p) {
      p = new Pool(origin, { connections: 64, keepAliveTimeout: 30_000 });
      this.pools.set(origin, p);
    }
    return p;
  }

  async close(): Promise<void> {
    await this.purger.stop();
    await this.log.drain().catch(() => undefined);
    await Promise.all([...this.pools.values()].map((p) => p.close().catch(() => undefined)));
  }
}

function readMeta(body: Buffer): { messageId?: string; from?: string; to?: string; keyId?: string; suite?: string } {
  try {
    const doc = JSON.parse(body.toString('utf8')) as { payload?: { messageId?: unknown; from?: unknown; to?: unknown }; signature?: { keyId?: unknown; suite?: unknown }; seal?: { keyId?: unknown; suite?: unknown } };
    const sig = doc.signature ?? doc.seal;
    const str = (v: unknown) => (typeof v === 'string' && v.length <= 80 ? v : undefined);
    return { messageId: str(doc.payload?.messageId), from: str(doc.payload?.from), to: str(doc.payload?.to), keyId: str(sig?.keyId), suite: str(sig?.suite) };
  } catch {
    return {};
  }
}

/** Largest answer the relay passes on: a sealed response or a member's resource list, never a download. */
export const RELAY_ANSWER_LIMIT = 4 * 1024 * 1024;

/**
 * A member's answer, as bytes to pass on unchanged — only JSON, and only up to RELAY_ANSWER_LIMIT: an
 * endpoint pointing somewhere else than a node (an internal service of the hub's network, say) gets
 * nothing of it back to whoever asked through the relay.
 */
async function readAnswer(res: Dispatcher.ResponseData, target: string): Promise<Buffer> {
  const type = res.headers['content-type'];
  if (typeof type !== 'string' || !/^application\/json\b/i.test(type)) {
    await res.body.dump({ limit: 64 * 1024 }).catch(() => undefined);
    throw new TongbanError('E_PEER_UNAVAILABLE', `${target} answered the relay with ${typeof type === 'string' ? type.split(';')[0] : 'no content type'}, not JSON`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body) {
    size += (chunk as Buffer).length;
    if (size > RELAY_ANSWER_LIMIT) {
      // leaving the loop closes the body
      throw new TongbanError('E_PEER_UNAVAILABLE', `${target} answered the relay with more than ${RELAY_ANSWER_LIMIT} bytes`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks, size);
}

function toTransportError(e: unknown, target: string): TongbanError {
  const code = (e as { code?: string }).code;
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') return new TongbanError('E_TIMEOUT', `${target} did not answer the relay in time`);
  return new TongbanError('E_PEER_UNAVAILABLE', `relay could not reach ${target}: ${code ?? (e as Error).message}`);
}

export async function relayRoutes(app: App, relay: Relay): Promise<void> {
  await app.register(async (instance) => {
    // bytes in, bytes out: the relay never re-serialises what a node signed
    instance.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: EXCHANGE_BODY_LIMIT }, (_req, body, done) => done(null, body));
    const Params = Type.Object({ target: Type.String({ pattern: '^[0-9]{6}$' }) });
    for (const kind of ['requests', 'inbox'] as const) {
      instance.post(
        `/api/relay/v1/:target/${kind}`,
        {
          bodyLimit: EXCHANGE_BODY_LIMIT,
          schema: {
            tags: ['hub relay'],
            summary: `Relay an exchange ${kind === 'requests' ? 'request' : 'delivery'} to a member (辐射式); the body is forwarded unchanged and not stored`,
            params: Params,
            response: errorResponses(400, 403, 502, 504),
          },
        },
        async (req, reply) => relay.forward(kind, (req.params as { target: string }).target, req.body as Buffer, reply, req),
      );
    }
    instance.get(
      '/api/relay/v1/:target/resources',
      { schema: { tags: ['hub relay'], summary: "Relay a request for a member's resource list", params: Params, response: errorResponses(403, 502, 504) } },
      async (req, reply) => relay.forward('resources', (req.params as { target: string }).target, undefined, reply, req),
    );
  });
}
