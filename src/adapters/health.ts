// An adapter's small health record (last success, last error, breaker state, counts, source-level
// quality such as a CSV file's broken lines) and the circuit breaker that makes a source that is down
// fail fast instead of holding every request for its timeout. Time comes from an injectable clock.

import { TongbanError, isTongbanError } from '../core/errors.js';
import { maskPersonalData } from '../core/mask.js';
import type { AdapterHealth, AdapterKind, BreakerState } from './health-types.js';

export type { AdapterHealth, BreakerState } from './health-types.js';

export interface BreakerOptions {
  /** consecutive failed reads that open the breaker */
  failures: number;
  coolDownMs: number;
}

export type Clock = () => number;

/** Errors that say the source answered (a good outcome for the source's health). */
const ANSWERED = new Set(['E_SUBJECT_NOT_FOUND', 'E_AMBIGUOUS_SUBJECT', 'E_INVALID_REQUEST']);

export class SourceHealth {
  private lastSuccess: number | null = null;
  private lastErrorTime: number | null = null;
  private lastErrorText: string | null = null;
  private failuresInRow = 0;
  private readonly counts = { ok: 0, notFound: 0, failed: 0, rejectedByBreaker: 0 };
  private breakerState: BreakerState = 'closed';
  private openUntil = 0;
  private trialInFlight = false;
  quality: string[] = [];
  source: Record<string, string | number | null> = {};

  constructor(
    readonly kind: AdapterKind,
    private readonly label: string,
    private readonly clock: Clock,
    private readonly breaker?: BreakerOptions,
  ) {}

  /**
   * Runs one read through the breaker, recording its outcome. While open, fails fast with
   * E_SOURCE_UNAVAILABLE; after the cool-down one trial read goes through (half-open).
   */
  async run<T>(read: () => Promise<T>): Promise<T> {
    const trial = this.admit();
    try {
      const r = await read();
      this.succeeded();
      return r;
    } catch (e) {
      if (isTongbanError(e) && ANSWERED.has(e.code)) {
        if (e.code === 'E_SUBJECT_NOT_FOUND') this.counts.notFound++;
        this.succeeded(false);
      } else {
        this.failed(e);
      }
      throw e;
    } finally {
      if (trial) this.trialInFlight = false;
    }
  }

  /** true when this read is the half-open trial */
  private admit(): boolean {
    if (!this.breaker || this.breakerState === 'closed') return false;
    const now = this.clock();
    if (this.breakerState === 'open' && now >= this.openUntil) this.breakerState = 'half-open';
    if (this.breakerState === 'half-open' && !this.trialInFlight) {
      this.trialInFlight = true;
      return true;
    }
    this.counts.rejectedByBreaker++;
    const until = this.breakerState === 'open' ? ` until ${new Date(this.openUntil).toISOString()}` : ' (a trial read is in progress)';
    throw new TongbanError('E_SOURCE_UNAVAILABLE', `${this.label}: circuit open after ${this.failuresInRow} consecutive failures${until}; last error: ${this.lastErrorText ?? 'unknown'}`);
  }

  private succeeded(counted = true): void {
    if (counted) this.counts.ok++;
    this.lastSuccess = this.clock();
    this.failuresInRow = 0;
    this.breakerState = 'closed';
  }

  private failed(e: unknown): void {
    this.counts.failed++;
    this.failuresInRow++;
    this.lastErrorTime = this.clock();
    const detail = isTongbanError(e) ? (e.detail ?? e.code) : String((e as Error)?.message ?? e);
    this.lastErrorText = maskPersonalData(detail).slice(0, 500);
    if (!this.breaker) return;
    if (this.breakerState === 'half-open' || this.failuresInRow >= this.breaker.failures) {
      this.breakerState = 'open';
      this.openUntil = this.clock() + this.breaker.coolDownMs;
    }
  }

  /** Records a failure found outside a read (e.g. a file that can no longer be loaded). */
  noteError(message: string): void {
    this.lastErrorTime = this.clock();
    this.lastErrorText = maskPersonalData(message).slice(0, 500);
  }

  snapshot(): AdapterHealth {
    const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
    let state = this.breakerState;
    if (state === 'open' && this.clock() >= this.openUntil) state = 'half-open';
    const lastFailed = this.lastErrorTime !== null && (this.lastSuccess === null || this.lastErrorTime > this.lastSuccess);
    const status: AdapterHealth['status'] =
      state === 'open' || lastFailed ? 'down' : this.lastSuccess === null ? (this.quality.length ? 'degraded' : 'unknown') : this.quality.length ? 'degraded' : 'ok';
    return {
      kind: this.kind,
      status,
      lastSuccessAt: iso(this.lastSuccess),
      lastErrorAt: iso(this.lastErrorTime),
      lastError: this.lastErrorText,
      consecutiveFailures: this.failuresInRow,
      breaker: this.breaker ? { state, openUntil: state === 'open' ? iso(this.openUntil) : null } : null,
      reads: { ...this.counts },
      quality: [...this.quality],
      source: { ...this.source },
    };
  }
}

/** Waits ms, or rejects when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Rejects with E_SOURCE_UNAVAILABLE when the promise takes longer than ms (the work itself is not cancelled). */
export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TongbanError('E_SOURCE_UNAVAILABLE', `${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
