// An open-loop load generator: requests leave at a constant rate, on schedule, whether or not the
// earlier ones have been answered (as clerks at many windows do), and each latency is measured from
// the moment the request was due to leave — so a stall shows in the figures instead of slowing the
// generator down (no coordinated omission).
//
// autocannon's rate option does not do this: each connection sends back to back until it has used its
// requests for the second, then pauses until the next second, so "half load" becomes full-speed bursts
// half of each second, and every latency above 1 ms is further corrected as if requests were due every
// millisecond. Peak throughput is still measured with autocannon (closed loop).

import { Pool } from 'undici';

export interface OpenLoopResult {
  rate: number;
  sent: number;
  ok: number;
  errors: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export async function openLoop(o: {
  url: string;
  headers: Record<string, string>;
  body: () => string;
  /** requests per second */
  rate: number;
  durationSeconds: number;
  /** most requests in flight (default 512); a request due while that many are waiting counts as an error */
  maxInFlight?: number;
}): Promise<OpenLoopResult> {
  const u = new URL(o.url);
  const maxInFlight = o.maxInFlight ?? 512;
  const pool = new Pool(u.origin, { connections: maxInFlight, pipelining: 1 });
  const latencies: number[] = [];
  let sent = 0;
  let errors = 0;
  let inFlight = 0;
  const start = performance.now();
  const end = start + o.durationSeconds * 1000;
  const interval = 1000 / o.rate;
  const pending: Promise<void>[] = [];

  const fire = (due: number) => {
    sent++;
    if (inFlight >= maxInFlight) {
      errors++;
      return;
    }
    inFlight++;
    const p = pool
      .request({ method: 'POST', path: `${u.pathname}${u.search}`, headers: { 'content-type': 'application/json', ...o.headers }, body: o.body() })
      .then(async (res) => {
        await res.body.dump();
        if (res.statusCode >= 200 && res.statusCode < 300) latencies.push(performance.now() - due);
        else errors++;
      })
      .catch(() => {
        errors++;
      })
      .finally(() => {
        inFlight--;
      });
    pending.push(p);
  };

  // every request leaves at start + i × interval; the timer wakes often and sends whatever is due
  let next = start;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      while (next <= now && next < end) {
        fire(next);
        next += interval;
      }
      if (next >= end) return resolve();
      setTimeout(tick, Math.max(0, Math.min(next - performance.now(), 1)));
    };
    tick();
  });
  await Promise.all(pending);
  await pool.close();
  latencies.sort((a, b) => a - b);
  const q = (f: number) => (latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor(f * latencies.length))]! : NaN);
  return { rate: o.rate, sent, ok: latencies.length, errors, p50: q(0.5), p90: q(0.9), p99: q(0.99), max: latencies.at(-1) ?? NaN };
}
