// directory: the federation-wide directory (目录) of data resources, certificate types and service
// items. Nodes publish their published catalog to the hub as signed publications; the hub keeps one
// row per (region, kind, id) with a global change sequence (tombstones for withdrawals) and serves it
// as signed, incremental pages; nodes cache it and search it while the hub is down. PROTOCOL.md §7.
// Search itself is src/search/.
export { DIRECTORY_KINDS, entriesOf, entryFields, checkPublishedEntry, contentDigest, type DirectoryKind, type PublishedEntry, type PublishedSet, type EntryFields } from './entry.js';
export {
  PUBLICATION_TYPE, DIRECTORY_TYPE, buildPublication, checkPublicationShape, entriesDigest, verifyDirectory, signDirectory,
  type Publication, type PublicationPayload, type DirectoryDocument, type DirectoryPayload, type DirectoryEntryWire,
} from './documents.js';
export { acceptPublication, directoryPage, publicationStatus, type PublicationOutcome } from './hub.js';
export { DirectorySync, DirectoryPublisher, applyDirectoryPage, type DirectorySyncState, type PublisherState } from './node.js';
export { directoryHubRoutes, directoryNodeRoutes } from './routes.js';
export type { DirectoryTables } from './schema.js';

import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Signer } from '../core/signed-document.js';
import type { TongbanDB } from '../store/schema.js';
import { pinnedHubKeyId, type NodeFederation } from '../node/federation.js';
import type { PublishedSet } from './entry.js';
import { DirectoryPublisher, DirectorySync } from './node.js';

/** What the directory needs from the node's catalog (CatalogService has this shape). */
export interface CatalogSource {
  listPublished(): Promise<PublishedSet>;
  /** subscribes to changes of what is published; returns the unsubscribe function */
  onPublished?(listener: () => void): () => void;
}

export interface NodeDirectoryOptions {
  db: Kysely<TongbanDB>;
  signer: Signer;
  regionCode: string;
  hub: { url: string; keyId?: string };
  federation: NodeFederation;
  logger: Logger;
  /** absent: this node publishes nothing (it still caches and searches the directory) */
  catalog?: CatalogSource;
  refreshSeconds?: number;
  retryBaseMs?: number;
}

export interface NodeDirectory {
  sync: DirectorySync;
  publisher?: DirectoryPublisher;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** A node's cache sync and (with a catalog) its publisher, wired to the catalog's onPublished. */
export function createNodeDirectory(o: NodeDirectoryOptions): NodeDirectory {
  const sync = new DirectorySync({
    db: o.db,
    federation: o.federation,
    hubUrl: o.hub.url,
    pinnedKeyId: () => pinnedHubKeyId(o.db, o.hub.keyId),
    logger: o.logger,
    ...(o.refreshSeconds !== undefined ? { refreshSeconds: o.refreshSeconds } : {}),
  });
  const catalog = o.catalog;
  const publisher = catalog
    ? new DirectoryPublisher({
        db: o.db,
        signer: o.signer,
        regionCode: o.regionCode,
        hubUrl: o.hub.url,
        listPublished: () => catalog.listPublished(),
        logger: o.logger,
        federation: o.federation,
        ...(o.retryBaseMs !== undefined ? { retryBaseMs: o.retryBaseMs } : {}),
      })
    : undefined;
  let unsubscribe: (() => void) | undefined;
  if (publisher) {
    // a publication changes the hub's directory: publish, then refresh the cache from the hub
    publisher.on('published', () => sync.refreshSoon());
  }
  return {
    sync,
    ...(publisher ? { publisher } : {}),
    async start() {
      await sync.start();
      if (publisher) {
        unsubscribe = catalog?.onPublished?.(() => publisher.notify());
        await publisher.start();
      }
    },
    async stop() {
      unsubscribe?.();
      await publisher?.stop();
      await sync.stop();
    },
  };
}
