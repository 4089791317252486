// The shape of an adapter's health record and of a source's status, as GET /api/exchange/sources
// reports them. No imports: the web console (src/web/exchange/sourceState.ts) uses these types as
// they are, so the page and the server cannot drift apart.

export const ADAPTER_KINDS = ['sql', 'http', 'csv'] as const;
export type AdapterKind = (typeof ADAPTER_KINDS)[number];

export type BreakerState = 'closed' | 'open' | 'half-open';

export interface AdapterHealth {
  kind: AdapterKind;
  /** ok: the last read worked; degraded: it works but the source has quality problems; down: the last read failed or the breaker is open; unknown: never read */
  status: 'ok' | 'degraded' | 'down' | 'unknown';
  lastSuccessAt: string | null;
  lastErrorAt: string | null;
  /** the operator's reason, without personal data */
  lastError: string | null;
  consecutiveFailures: number;
  breaker: { state: BreakerState; openUntil: string | null } | null;
  reads: { ok: number; notFound: number; failed: number; rejectedByBreaker: number };
  /** source-level problems, e.g. `hukou.csv line 17: 7 fields, expected 9` */
  quality: string[];
  /** what the adapter reads: the file and its row count, the URL template, the table */
  source: Record<string, string | number | null>;
}

/** One line of GET /api/exchange/sources: a resource the node publishes, and how its source is doing. */
export interface SourceStatus {
  resource: string;
  name: string;
  nameEn: string;
  department: string;
  sourceSystem: string;
  /** the adapter id the catalogue entry names */
  adapter: string;
  /** false: published, but its adapter is not configured on this node, so it is not served */
  served: boolean;
  health: AdapterHealth | null;
}
