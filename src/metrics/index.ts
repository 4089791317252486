// Operational metrics for a node or the hub, in the Prometheus text format at GET /metrics, for the
// province's monitoring. Exchange figures are taken from the audit log as each entry commits — every
// exchange outcome on either side is an audit event, so the figures count exactly what the log holds
// and no component keeps counters of its own. Gauges that live in the database (outbox depth,
// checkpoints not yet anchored) are read when scraped. Labels carry region codes, actions and error
// codes — never a person, a user or a case.

import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { AuditEvent } from '../audit/event.js';
import type { RelayedMessage } from '../hub/relay.js';
import type { TongbanDB } from '../store/schema.js';

export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export function metricsTokenPath(dataDir: string): string {
  return join(dataDir, 'metrics.token');
}

export function newMetricsToken(): string {
  return `tbmx_${randomBytes(24).toString('base64url')}`;
}

export interface MetricsOptions {
  role: 'hub' | 'node';
  regionCode: string;
  db: Kysely<TongbanDB>;
  /** seconds until the cached member list expires (nodes); undefined while there is none */
  trustListExpiresIn?: () => number | undefined;
}

const REGION = /^[0-9]{6}$/;
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export class Metrics {
  readonly registry = new Registry();
  private readonly auditEvents: Counter<'category' | 'action' | 'outcome'>;
  private readonly exchanges: Counter<'action' | 'partner' | 'outcome' | 'code'>;
  private readonly exchangeSeconds: Histogram<'partner' | 'route'>;
  private readonly relayed: Counter<'kind' | 'from' | 'to' | 'status'> | undefined;
  private readonly relaySeconds: Histogram<'kind'> | undefined;

  constructor(o: MetricsOptions) {
    this.registry.setDefaultLabels({ role: o.role, region: o.regionCode });
    collectDefaultMetrics({ register: this.registry, prefix: 'tongban_process_' });
    const registers = [this.registry];
    this.auditEvents = new Counter({
      name: 'tongban_audit_events_total',
      help: 'Audit log entries committed, by category, action and outcome',
      labelNames: ['category', 'action', 'outcome'],
      registers,
    });
    this.exchanges = new Counter({
      name: 'tongban_exchanges_total',
      help: 'Exchange events on this side (exchange.request.sent by a requester; accepted, served, refused or rejected by a provider), by partner region, outcome and error code',
      labelNames: ['action', 'partner', 'outcome', 'code'],
      registers,
    });
    this.exchangeSeconds = new Histogram({
      name: 'tongban_exchange_duration_seconds',
      help: "Requester side: from signing a request to holding the provider's verified answer (or failure)",
      labelNames: ['partner', 'route'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    new Gauge({
      name: 'tongban_outbox_messages',
      help: 'Messages in the durable outbox by status (pending: still being delivered; dead: given up, waiting for an operator redrive)',
      labelNames: ['status'],
      registers,
      async collect() {
        const rows = await o.db.selectFrom('exchange_outbox').select(['status', (eb) => eb.fn.countAll<string>().as('n')]).where('status', 'in', ['pending', 'dead']).groupBy('status').execute();
        this.reset();
        for (const status of ['pending', 'dead']) this.set({ status }, Number(rows.find((r) => r.status === status)?.n ?? 0));
      },
    });
    new Gauge({
      name: 'tongban_audit_head_seq',
      help: 'Sequence number of the last audit log entry',
      registers,
      async collect() {
        const head = await o.db.selectFrom('audit_head').select('seq').executeTakeFirst();
        this.set(Number(head?.seq ?? 0));
      },
    });
    if (o.role === 'hub') {
      this.relayed = new Counter({
        name: 'tongban_relay_messages_total',
        help: 'Messages the hub relayed (辐射式) by kind, sender, receiver and the HTTP status returned; regions that are not members count as unknown',
        labelNames: ['kind', 'from', 'to', 'status'],
        registers,
      });
      this.relaySeconds = new Histogram({ name: 'tongban_relay_duration_seconds', help: 'Time the hub spent relaying a message, the receiver included', labelNames: ['kind'], buckets: LATENCY_BUCKETS, registers });
    }
    if (o.role === 'node') {
      new Gauge({
        name: 'tongban_audit_checkpoints_unanchored',
        help: 'Signed audit checkpoints the hub has not countersigned yet',
        registers,
        async collect() {
          const r = await o.db.selectFrom('audit_checkpoint').select((eb) => eb.fn.countAll<string>().as('n')).where('anchored_at', 'is', null).executeTakeFirst();
          this.set(Number(r?.n ?? 0));
        },
      });
      new Gauge({
        name: 'tongban_trust_list_expires_in_seconds',
        help: 'Seconds until the cached member list (trust list) expires; negative once expired, absent before the first one',
        registers,
        collect() {
          this.reset();
          const s = o.trustListExpiresIn?.();
          if (s !== undefined) this.set(Math.round(s));
        },
      });
    }
  }

  /** Called for every committed audit entry. */
  observeAudit(e: AuditEvent): void {
    this.auditEvents.inc({ category: e.category, action: e.action, outcome: e.outcome });
    if (e.category !== 'exchange') return;
    // a rejected message was not authenticated: the region it claims is not a label
    const partner = e.action !== 'exchange.request.rejected' && e.counterparty && REGION.test(e.counterparty) ? e.counterparty : 'unknown';
    this.exchanges.inc({ action: e.action, partner, outcome: e.outcome, code: e.errorCode ?? '' });
    const latency = e.detail?.latencyMs;
    if (e.action === 'exchange.request.sent' && typeof latency === 'number') {
      this.exchangeSeconds.observe({ partner, route: String(e.detail?.route ?? 'direct') }, latency / 1000);
    }
  }

  /** Called by the hub's relay for every message. */
  observeRelay(m: RelayedMessage): void {
    this.relayed?.inc({ kind: m.kind, from: m.from, to: m.to, status: String(m.status) });
    this.relaySeconds?.observe({ kind: m.kind }, m.durationMs / 1000);
  }

  /** The exposition text. */
  text(): Promise<string> {
    return this.registry.metrics();
  }
}
