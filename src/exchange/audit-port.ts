// What the exchange needs from the audit log: appending one event. The audit capability
// (src/audit) implements it with a hash-chained, hub-anchored log.

export interface ExchangeAuditEvent {
  category: 'exchange' | 'admin' | 'membership' | 'security';
  action: string;
  actor: { type: 'user' | 'node' | 'operator' | 'system'; id: string; regionCode?: string; department?: string };
  outcome: 'ok' | 'refused' | 'error' | 'pending';
  errorCode?: string;
  messageId?: string;
  conversationId?: string;
  counterparty?: string;
  subject?: { idNumber: string };
  purpose?: { serviceItem: string; caseId: string; agreementId?: string };
  resource?: string;
  fields?: string[];
  requestHash?: string;
  responseHash?: string;
  detail?: Record<string, string | number | boolean | null>;
}

export interface AuditSink {
  append(event: ExchangeAuditEvent): Promise<unknown>;
}
