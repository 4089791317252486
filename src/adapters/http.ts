// The http adapter: a department's JSON API. The URL template gets the URL-encoded subject id; GET
// (or an idempotent POST) is retried with exponential backoff on timeouts, connection failures, 429
// and 5xx; a circuit breaker then fails fast while the API is down. 404 (or a configured status
// field) is E_SUBJECT_NOT_FOUND, several records E_AMBIGUOUS_SUBJECT, anything unreadable
// E_SOURCE_UNAVAILABLE. Credentials come from environment variables named in the configuration.
// Error details name the source, never the expanded URL (it holds the subject id).

import { Agent, request } from 'undici';
import { TongbanError, isTongbanError } from '../core/errors.js';
import { maskPersonalData } from '../core/mask.js';
import type { HttpAdapterConfig } from './config.js';
import { SourceHealth, type Clock } from './health.js';
import type { ConfiguredAdapter } from './index.js';
import { valueAtPath } from './json-path.js';
import { CompiledMapping, capFlags, type MappingOptions } from './values.js';

export interface HttpAdapterContext extends MappingOptions {
  clock: Clock;
  /** backoff waits (tests pass one that records and returns at once) */
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  env: Readonly<Record<string, string | undefined>>;
  label: string;
  random?: () => number;
}

/** A failed attempt worth repeating (timeouts, connection failures, 429, 5xx). */
class Retryable extends Error {}

export function httpAdapter(cfg: HttpAdapterConfig, ctx: HttpAdapterContext): ConfiguredAdapter {
  const method = cfg.method ?? 'GET';
  const retries = (cfg.idempotent ?? method === 'GET') ? (cfg.retries ?? 2) : 0;
  const backoffMs = cfg.backoffMs ?? 200;
  const timeoutMs = cfg.timeoutMs ?? 5000;
  const maxBytes = cfg.maxBytes ?? 1024 * 1024;
  const random = ctx.random ?? Math.random;
  const mapping = new CompiledMapping(cfg.fields, cfg.dataTime, ctx);
  const health = new SourceHealth('http', ctx.label, ctx.clock, { failures: cfg.breaker?.failures ?? 5, coolDownMs: cfg.breaker?.coolDownMs ?? 30_000 });
  health.source = { url: cfg.url, method };
  const agent = new Agent({ keepAliveTimeout: 10_000, connections: 32 });

  const headers: Record<string, string> = { accept: 'application/json', 'user-agent': 'tongban-adapter' };
  if (method === 'POST') headers['content-type'] = 'application/json';
  const missing: string[] = [];
  for (const [name, v] of Object.entries(cfg.headers ?? {})) {
    if (typeof v === 'string') headers[name.toLowerCase()] = v;
    else {
      const secret = ctx.env[v.env];
      if (secret) headers[name.toLowerCase()] = (v.prefix ?? '') + secret;
      else missing.push(v.env);
    }
  }

  const attempt = async (subjectId: string, signal: AbortSignal | undefined): Promise<unknown> => {
    const url = cfg.url.replaceAll('{subject}', encodeURIComponent(subjectId));
    const body = cfg.body === undefined ? undefined : JSON.stringify(substitute(cfg.body, subjectId));
    const timer = AbortSignal.timeout(timeoutMs);
    const combined = signal ? AbortSignal.any([signal, timer]) : timer;
    const failed = (e: unknown): Error => {
      if (signal?.aborted) return new TongbanError('E_SOURCE_UNAVAILABLE', `${ctx.label}: the read was cancelled`);
      if (timer.aborted) return new Retryable(`did not answer within ${timeoutMs} ms`);
      const code = (e as { code?: string }).code;
      return new Retryable(`connection failed (${code ?? (e as Error).message ?? e})`);
    };
    let res;
    try {
      res = await request(url, { method, headers, body, signal: combined, dispatcher: agent });
    } catch (e) {
      throw failed(e);
    }
    const status = res.statusCode;
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of res.body as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > maxBytes) {
          res.body.destroy();
          throw new TongbanError('E_SOURCE_UNAVAILABLE', `${ctx.label}: the answer is larger than ${maxBytes} bytes`);
        }
        chunks.push(chunk);
      }
    } catch (e) {
      if (isTongbanError(e)) throw e;
      throw failed(e);
    }
    if (status === 404) throw new TongbanError('E_SUBJECT_NOT_FOUND');
    if (status === 408 || status === 429 || status >= 500) throw new Retryable(`HTTP ${status}`);
    if (status < 200 || status >= 300) throw new TongbanError('E_SOURCE_UNAVAILABLE', `${ctx.label}: answered HTTP ${status}`);
    const text = decode(Buffer.concat(chunks), String(res.headers['content-type'] ?? ''));
    try {
      return JSON.parse(text);
    } catch {
      throw new TongbanError('E_SOURCE_UNAVAILABLE', `${ctx.label}: answered HTTP ${status} with malformed JSON (${size} bytes)`);
    }
  };

  const call = async (subjectId: string, signal: AbortSignal | undefined): Promise<unknown> => {
    for (let i = 0; ; i++) {
      try {
        return await attempt(subjectId, signal);
      } catch (e) {
        if (!(e instanceof Retryable)) throw e;
        const attempts = i + 1;
        if (i >= retries) throw new TongbanError('E_SOURCE_UNAVAILABLE', `${ctx.label}: ${e.message}${attempts > 1 ? ` (${attempts} attempts)` : ''}`);
        const base = backoffMs * 2 ** i;
        await ctx.sleep(Math.round(base / 2 + (random() * base) / 2), signal);
      }
    }
  };

  const interpret = (answer: unknown, subjectId: string): Record<string, unknown> => {
    const matches = (w: { path: string; equals: Array<string | number | boolean> }) => {
      const v = valueAtPath(answer, w.path);
      return w.equals.some((x) => x === v || String(x) === String(v));
    };
    if (cfg.notFoundWhen && matches(cfg.notFoundWhen)) throw new TongbanError('E_SUBJECT_NOT_FOUND');
    if (cfg.okWhen && !matches(cfg.okWhen)) {
      const status = valueAtPath(answer, cfg.okWhen.path);
      const message = cfg.okWhen.messagePath ? valueAtPath(answer, cfg.okWhen.messagePath) : undefined;
      const said = typeof message === 'string' ? `: ${maskPersonalData(message).slice(0, 120)}` : '';
      throw new TongbanError('E_SOURCE_UNAVAILABLE', `${ctx.label}: answered ${cfg.okWhen.path} = ${JSON.stringify(status)?.slice(0, 40)}${said}`);
    }
    let record = cfg.record ? valueAtPath(answer, cfg.record) : answer;
    if (record === undefined) throw new TongbanError('E_SOURCE_UNAVAILABLE', `${ctx.label}: the answer has no ${cfg.record}`);
    if (record === null) throw new TongbanError('E_SUBJECT_NOT_FOUND');
    if (Array.isArray(record)) {
      if (record.length === 0) throw new TongbanError('E_SUBJECT_NOT_FOUND');
      if (record.length > 1) throw new TongbanError('E_AMBIGUOUS_SUBJECT', `${ctx.label} answered ${record.length} records`);
      record = record[0];
    }
    if (record === null || typeof record !== 'object' || Array.isArray(record)) {
      throw new TongbanError('E_SOURCE_UNAVAILABLE', `${ctx.label}: the record is not a JSON object`);
    }
    if (cfg.subjectPath) {
      const id = valueAtPath(record, cfg.subjectPath);
      if (id === undefined || id === null || id === '') throw new TongbanError('E_SOURCE_UNAVAILABLE', `${ctx.label}: the record has no ${cfg.subjectPath}`);
      if (String(id).toUpperCase() !== subjectId.toUpperCase()) throw new TongbanError('E_SOURCE_UNAVAILABLE', `${ctx.label}: answered a record of another subject`);
    }
    return record as Record<string, unknown>;
  };

  return {
    kind: 'http',
    health: () => health.snapshot(),
    close: () => agent.close(),
    async fetch(subjectId, fields, signal) {
      mapping.refsFor(fields); // E_INVALID_REQUEST for an unknown field, before calling the source
      if (missing.length) {
        const e = new TongbanError('E_SOURCE_UNAVAILABLE', `${ctx.label}: environment variable ${missing.join(', ')} is not set`);
        health.noteError(e.detail!);
        throw e;
      }
      return health.run(async () => {
        const record = interpret(await call(subjectId, signal), subjectId);
        const view = { get: (path: string) => valueAtPath(record, path) };
        const { values, quality } = mapping.read(view, subjectId, fields);
        const t = mapping.dataTime(view, subjectId);
        if (t?.flag) quality.push(t.flag);
        // a live API answers with current data: without a mapped time, the time of reading is the data time
        return { values, dataTime: t?.iso ?? new Date(ctx.clock()).toISOString(), quality: capFlags(quality) };
      });
    },
  };
}

/** Puts the subject id into a POST body template (every string that contains {subject}). */
function substitute(v: unknown, subjectId: string): unknown {
  if (typeof v === 'string') return v.replaceAll('{subject}', subjectId);
  if (Array.isArray(v)) return v.map((x) => substitute(x, subjectId));
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, substitute(x, subjectId)]));
  return v;
}

function decode(bytes: Buffer, contentType: string): string {
  const charset = /charset=([\w-]+)/i.exec(contentType)?.[1]?.toLowerCase();
  if (charset && charset !== 'utf-8' && charset !== 'utf8') {
    try {
      return new TextDecoder(charset).decode(bytes);
    } catch {
      // an unknown charset: read as UTF-8 and let JSON.parse judge
    }
  }
  return new TextDecoder('utf-8').decode(bytes);
}
