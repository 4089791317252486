// The server configuration file (JSON or YAML) as a JSON Schema. One schema for both roles: the
// hub ignores what only nodes need and vice versa; loadConfig checks role-specific requirements.

import { Type, type Static } from 'typebox';
import { SUITE_NAMES } from '../core/crypto/suite.js';

const RegionCode = Type.String({ pattern: '^[0-9]{6}$', description: 'GB/T 2260 division code, 6 digits' });

export const ConfigSchema = Type.Object(
  {
    role: Type.Optional(Type.Enum(['hub', 'node'])),
    region: Type.Optional(
      Type.Object(
        {
          code: RegionCode,
          name: Type.String({ minLength: 1, maxLength: 64 }),
        },
        { additionalProperties: false },
      ),
    ),
    listen: Type.Optional(
      Type.Object(
        {
          host: Type.Optional(Type.String({ minLength: 1 })),
          port: Type.Optional(Type.Integer({ minimum: 0, maximum: 65535 })),
        },
        { additionalProperties: false },
      ),
    ),
    publicUrl: Type.Optional(Type.String({ pattern: '^https?://[^\\s]+$', description: 'how other servers reach this one' })),
    database: Type.String({ pattern: '^(sqlite:.+|postgres(ql)?://.+)$', description: 'sqlite:PATH or postgres://…' }),
    dataDir: Type.Optional(Type.String({ minLength: 1, description: 'keys and tokens; default: directory of the config file + /data' })),
    hub: Type.Optional(
      Type.Object(
        {
          url: Type.String({ pattern: '^https?://[^\\s]+$' }),
          keyId: Type.Optional(Type.String({ pattern: '^(ed25519|sm2-sm3):[0-9a-f]{32}$', description: 'pinned hub key id' })),
          refreshSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 86400 })),
        },
        { additionalProperties: false },
      ),
    ),
    crypto: Type.Optional(
      Type.Object({ suite: Type.Enum([...SUITE_NAMES]) }, { additionalProperties: false }),
    ),
    trustList: Type.Optional(
      Type.Object(
        {
          validitySeconds: Type.Optional(Type.Integer({ minimum: 60, maximum: 30 * 86400 })),
        },
        { additionalProperties: false },
      ),
    ),
    registries: Type.Optional(Type.String({ pattern: '^(sqlite:.+|postgres(ql)?://.+)$', description: 'synthetic registries (demo)' })),
    adapters: Type.Optional(
      Type.Object(
        {
          connections: Type.Optional(
            Type.Record(
              Type.String({ pattern: '^[a-z][a-z0-9_-]{0,31}$' }),
              Type.Union([
                Type.Object({ url: Type.String({ pattern: '^(sqlite:.+|postgres(ql)?://.+)$' }) }, { additionalProperties: false }),
                Type.Object({ urlFromEnv: Type.String({ pattern: '^[A-Z_][A-Z0-9_]{0,63}$' }) }, { additionalProperties: false }),
              ]),
              { description: 'departmental databases sql adapters name: { url } or { urlFromEnv: VARIABLE } (keeps passwords out of files)' },
            ),
          ),
          fileRoots: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { maxItems: 32, description: 'directories csv adapters may read (default: the data directory)' })),
          sources: Type.Optional(
            Type.Record(Type.String({ pattern: '^[a-z][a-z0-9_.-]{1,63}$' }), Type.Object({}, { additionalProperties: true }), {
              description: 'adapter configurations by adapter id (sql, http or csv; docs/OPERATIONS.md §12); catalogue resources name them in source.adapter',
            }),
          ),
        },
        { additionalProperties: false },
      ),
    ),
    relay: Type.Optional(
      Type.Object(
        {
          logRetentionDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650, description: 'hub: days the relay keeps its metadata log (hub_relay_log)' })),
        },
        { additionalProperties: false },
      ),
    ),
    exchange: Type.Optional(
      Type.Object(
        {
          clockWindowSeconds: Type.Optional(Type.Integer({ minimum: 10, maximum: 3600 })),
          syncBudgetMs: Type.Optional(Type.Integer({ minimum: 50, maximum: 60_000 })),
          requestTimeoutMs: Type.Optional(Type.Integer({ minimum: 100, maximum: 120_000 })),
          deliveryRetentionDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650, description: 'days a node keeps the bookkeeping of slow-source deliveries: inbox rows, delivered outbox rows, answered conversations' })),
          defaultRoute: Type.Optional(Type.Enum(['direct', 'relay'])),
          partners: Type.Optional(
            Type.Record(Type.String({ pattern: '^[0-9]{6}$' }), Type.Object({ route: Type.Enum(['direct', 'relay']) }, { additionalProperties: false })),
          ),
          access: Type.Optional(
            Type.Array(
              Type.Object(
                {
                  from: Type.Union([Type.Literal('*'), Type.Array(Type.String({ pattern: '^[0-9]{6}$' }), { minItems: 1 })]),
                  resources: Type.Union([Type.Literal('*'), Type.Array(Type.String({ minLength: 1 }), { minItems: 1 })]),
                  fields: Type.Optional(Type.Union([Type.Literal('*'), Type.Array(Type.String({ minLength: 1 }), { minItems: 1 })])),
                  statutory: Type.Optional(Type.Boolean()),
                },
                { additionalProperties: false },
              ),
            ),
          ),
        },
        { additionalProperties: false },
      ),
    ),
    log: Type.Optional(
      Type.Object(
        {
          level: Type.Optional(Type.Enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])),
          file: Type.Optional(Type.String({ minLength: 1 })),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

export type RawConfig = Static<typeof ConfigSchema>;
