import type { Generated } from 'kysely';

// Tables of the exchange capability (migration 004_exchange).

/** Provider: every authenticated request message id, accepted once (replay protection). */
export interface ExchangeReplayTable {
  message_id: string;
  from_region: string;
  created_at: string;
  received_at: string;
}

/** Requester: the exchanges this node's users made, with the sealed response as evidence for the case. */
export interface ExchangeRequestTable {
  message_id: string;
  target_region: string;
  resource: string;
  /** JSON array */
  fields: string;
  subject_masked: string;
  /** JSON {serviceItem, caseId, agreementId?} */
  purpose: string;
  user_id: string;
  user_name: string;
  route: string;
  /** sending | pending | completed | failed */
  status: string;
  request_hash: string;
  /** the signed request as sent (JSON) */
  request: string;
  /** the sealed response as received (JSON), once there is one */
  response: string | null;
  /** JSON ExchangeView.result.seal, verification outcome */
  seal: string | null;
  error_code: string | null;
  /** what went wrong when the answer was not a sealed one (transport errors) */
  error_detail: string | null;
  created_at: string;
  completed_at: string | null;
  latency_ms: number | null;
}

/** Durable delivery: messages this node must deliver to another node (e.g. a slow source's answer). */
export interface ExchangeOutboxTable {
  id: string;
  target_region: string;
  /** inbox (a sealed response for the requester) */
  kind: string;
  message_id: string;
  /** the sealed document to deliver; cleared once delivered */
  body: string | null;
  status: string;
  attempts: number;
  next_attempt_at: string;
  lease_until: string | null;
  last_error: string | null;
  created_at: string;
  delivered_at: string | null;
}

/** Receiver side of durable delivery: each delivered message id takes effect once. */
export interface ExchangeInboxTable {
  message_id: string;
  from_region: string;
  in_reply_to: string;
  received_at: string;
}

/** Provider: exchanges accepted for later delivery (slow sources), so a restart does not lose them. */
export interface ExchangeConversationTable {
  conversation_id: string;
  from_region: string;
  /** the signed request (JSON), re-run after a restart */
  request: string;
  /** accepted → answered */
  status: string;
  created_at: string;
  completed_at: string | null;
  /** the replica working on an accepted conversation, until lease_until; another takes it over after */
  lease_owner: string | null;
  lease_until: string | null;
}

/** Hub: metadata of every relayed message — never its content. */
export interface HubRelayLogTable {
  id: Generated<number>;
  message_id: string | null;
  /** requests | inbox | resources */
  kind: string;
  from_region: string | null;
  to_region: string;
  received_at: string;
  status: number;
  bytes_in: number;
  bytes_out: number;
  duration_ms: number;
}

export interface ExchangeTables {
  hub_relay_log: HubRelayLogTable;
  exchange_replay: ExchangeReplayTable;
  exchange_request: ExchangeRequestTable;
  exchange_outbox: ExchangeOutboxTable;
  exchange_inbox: ExchangeInboxTable;
  exchange_conversation: ExchangeConversationTable;
}
