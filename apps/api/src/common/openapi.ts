import { z } from 'zod';
import { ProblemSchema } from '@onda/contracts';

/** OpenAPI schema objects derived from the zod contracts, so the spec and the validation cannot drift. */
export const jsonSchema = (schema: z.ZodTypeAny): Record<string, unknown> => {
  const out = z.toJSONSchema(schema, { target: 'openapi-3.0', unrepresentable: 'any', io: 'input' }) as Record<string, unknown>;
  delete out.$schema;
  return out;
};

export const problemResponse = (status: number, description: string) => ({
  status,
  description,
  content: { 'application/problem+json': { schema: jsonSchema(ProblemSchema) } },
});
