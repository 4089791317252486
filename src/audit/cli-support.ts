// Helpers for commands that touch a server's audit log from outside the running server: the hub's
// `tongban members …` decisions are appended to the hub's log through withHubAuditLog; account commands
// on a node can do the same with withServerAuditLog and adminActionEvent (admin.ts).

import { existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import type { Kysely } from 'kysely';
import type { ServerConfig } from '../config/index.js';
import type { TongbanDB } from '../store/schema.js';
import { keyPaths, loadOrCreateIdentity, type Identity } from '../keys/index.js';
import { AuditLog } from './log.js';

/** The server's own key, if it has one (never created by a read-only tool). */
export function existingIdentity(cfg: ServerConfig): Identity | undefined {
  return existsSync(keyPaths(cfg.dataDir, cfg.suite).privateKey) ? loadOrCreateIdentity(cfg.dataDir, cfg.suite) : undefined;
}

/** Who acts from a server's command line: `cli:<OS user>` (an operator at the console). */
export function cliActorId(): string {
  let user = 'unknown';
  try {
    user = userInfo().username;
  } catch {
    // no passwd entry for this uid (some containers)
  }
  return `cli:${user}`;
}

/**
 * Runs fn with a server's audit log from outside the running server (the hub's for `tongban members`,
 * a node's for account commands), then flushes and checkpoints it. Without a key (the server never
 * started) there is nothing to audit into and fn gets undefined. Only a caller whose events name a
 * subject passes the node's subject key.
 */
export async function withServerAuditLog<T>(
  db: Kysely<TongbanDB>,
  cfg: ServerConfig,
  fn: (audit: AuditLog | undefined) => Promise<T>,
  opts: { subjectKey?: Buffer } = {},
): Promise<T> {
  const identity = existingIdentity(cfg);
  const audit = identity ? new AuditLog({ db, signer: identity, regionCode: cfg.region.code, checkpointSeconds: 0, ...opts }) : undefined;
  try {
    return await fn(audit);
  } finally {
    await audit?.close();
  }
}

/** The hub's audit log for `tongban members …` decisions. */
export const withHubAuditLog = withServerAuditLog;
