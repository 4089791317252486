// Node-to-node HTTP: one keep-alive connection pool per peer origin (undici), JSON in and out,
// every failure turned into the vocabulary (E_TIMEOUT, E_PEER_UNAVAILABLE).

import { Pool } from 'undici';
import { TongbanError } from '../core/errors.js';

export interface JsonResponse {
  status: number;
  body: unknown;
  /** the body as received (what a requester keeps as evidence: the bytes, not a re-serialisation) */
  text?: string;
}

export class PeerHttp {
  private readonly pools = new Map<string, Pool>();

  constructor(private readonly opts: { connections?: number; timeoutMs?: number } = {}) {}

  private pool(origin: string): Pool {
    let p = this.pools.get(origin);
    if (!p) {
      p = new Pool(origin, { connections: this.opts.connections ?? 64, pipelining: 1, keepAliveTimeout: 30_000 });
      this.pools.set(origin, p);
    }
    return p;
  }

  /** POSTs a JSON body (already serialised) and reads a JSON answer, whatever its status. */
  async postJson(url: string, body: string, opts: { timeoutMs?: number; headers?: Record<string, string> } = {}): Promise<JsonResponse> {
    const u = new URL(url);
    const timeout = opts.timeoutMs ?? this.opts.timeoutMs ?? 10_000;
    let res;
    try {
      res = await this.pool(u.origin).request({
        method: 'POST',
        path: `${u.pathname}${u.search}`,
        headers: { 'content-type': 'application/json', ...opts.headers },
        body,
        headersTimeout: timeout,
        bodyTimeout: timeout,
      });
    } catch (e) {
      throw describe(e, u.origin);
    }
    const text = await res.body.text().catch((e: unknown) => {
      throw describe(e, u.origin);
    });
    let parsed: unknown;
    try {
      parsed = text.length ? JSON.parse(text) : null;
    } catch {
      throw new TongbanError('E_PEER_UNAVAILABLE', `${u.origin} answered ${res.statusCode} with a body that is not JSON`);
    }
    return { status: res.statusCode, body: parsed, text };
  }

  async getJson(url: string, timeoutMs = this.opts.timeoutMs ?? 10_000): Promise<JsonResponse> {
    const u = new URL(url);
    try {
      const res = await this.pool(u.origin).request({ method: 'GET', path: `${u.pathname}${u.search}`, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
      const text = await res.body.text();
      return { status: res.statusCode, body: text.length ? JSON.parse(text) : null };
    } catch (e) {
      if (e instanceof SyntaxError) throw new TongbanError('E_PEER_UNAVAILABLE', `${u.origin} answered with a body that is not JSON`);
      throw describe(e, u.origin);
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.pools.values()].map((p) => p.close().catch(() => undefined)));
    this.pools.clear();
  }
}

function describe(e: unknown, origin: string): TongbanError {
  const err = e as { code?: string; message?: string };
  if (err.code === 'UND_ERR_HEADERS_TIMEOUT' || err.code === 'UND_ERR_BODY_TIMEOUT') {
    return new TongbanError('E_TIMEOUT', `${origin} did not answer in time`);
  }
  return new TongbanError('E_PEER_UNAVAILABLE', `${origin}: ${err.code ?? err.message ?? String(e)}`);
}
