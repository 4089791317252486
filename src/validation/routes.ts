// POST /api/validate: any system can have identifiers checked by the same rules the exchange uses.
import { Type } from 'typebox';
import type { App } from '../http/app.js';
import { errorResponses } from '../http/app.js';
import { IDENTIFIER_KINDS, validateIdentifier, type IdentifierKind } from './index.js';

const Result = Type.Object({
  value: Type.String(),
  valid: Type.Boolean(),
  reason: Type.Optional(Type.String()),
  reasonZh: Type.Optional(Type.String()),
  details: Type.Optional(Type.Record(Type.String(), Type.String())),
});

export async function validationRoutes(app: App): Promise<void> {
  app.post(
    '/api/validate',
    {
      schema: {
        tags: ['identifiers'],
        summary: 'Check identifiers: GB 11643 ID numbers, GB 32100 credit codes, GB 11714 organisation codes, GB/T 2260 divisions, GB/T 36904 e-certificate ids',
        body: Type.Object(
          { kind: Type.Enum([...IDENTIFIER_KINDS]), values: Type.Array(Type.String({ maxLength: 200 }), { minItems: 1, maxItems: 1000 }) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ kind: Type.String(), allValid: Type.Boolean(), results: Type.Array(Result) }), ...errorResponses(400) },
      },
    },
    async (req) => {
      const { kind, values } = req.body as { kind: IdentifierKind; values: string[] };
      const results = values.map((v) => validateIdentifier(kind, v));
      return { kind, allValid: results.every((r) => r.valid), results };
    },
  );
}
