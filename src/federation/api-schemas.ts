// JSON Schemas of the federation API bodies shared by hub and node routes (and the OpenAPI document).
import { Type } from 'typebox';

export const SignedDocumentSchema = Type.Object(
  {
    payload: Type.Object({}, { additionalProperties: true, description: 'the signed content; see docs/PROTOCOL.md' }),
    signature: Type.Object(
      {
        suite: Type.Enum(['ed25519', 'sm2-sm3']),
        keyId: Type.String({ maxLength: 80 }),
        value: Type.String({ maxLength: 512, description: 'base64 signature over RFC 8785 canonical JSON of payload' }),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

export const KeyRotationSchema = Type.Object(
  {
    payload: SignedDocumentSchema.properties.payload,
    signature: SignedDocumentSchema.properties.signature,
    proof: SignedDocumentSchema.properties.signature,
  },
  { additionalProperties: false },
);

export const InfoSchema = Type.Object({
  role: Type.Enum(['hub', 'node']),
  regionCode: Type.String(),
  regionName: Type.String(),
  suite: Type.String(),
  keyId: Type.String(),
  version: Type.String(),
  publicUrl: Type.String(),
  hubUrl: Type.Optional(Type.String()),
  membership: Type.Optional(
    Type.Object({
      status: Type.Enum(['pending', 'approved', 'rejected', 'suspended', 'unknown']),
      detail: Type.Optional(Type.String()),
      changePending: Type.Optional(Type.Boolean({ description: "this node's new public URL or name waits for the hub operator; partners still use the approved ones" })),
    }),
  ),
});

export const FederationMembersSchema = Type.Object({
  source: Type.Enum(['hub', 'cache', 'self']),
  trustList: Type.Union([
    Type.Object({ version: Type.Integer(), issuedAt: Type.String(), expiresAt: Type.String(), expired: Type.Boolean() }),
    Type.Null(),
  ]),
  hubError: Type.Optional(Type.String()),
  members: Type.Array(
    Type.Object({
      regionCode: Type.String(),
      name: Type.String(),
      endpoint: Type.String(),
      status: Type.String(),
      suite: Type.String(),
      keyIds: Type.Array(Type.String()),
      online: Type.Union([Type.Boolean(), Type.Null()]),
      lastSeenAt: Type.Union([Type.String(), Type.Null()]),
      self: Type.Boolean(),
    }),
  ),
  pending: Type.Optional(
    Type.Array(
      Type.Object({
        regionCode: Type.String(),
        name: Type.String(),
        endpoint: Type.String(),
        suite: Type.String(),
        keyId: Type.String(),
        requestedAt: Type.String(),
      }),
    ),
  ),
});
