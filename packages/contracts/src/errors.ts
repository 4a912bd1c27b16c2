import { z } from 'zod';

/** The closed set of error codes any Onda surface (REST, chat acks, internal calls) may answer with. */
export const ErrorCodes = [
  'validation_failed',
  'unauthenticated',
  'forbidden',
  'not_found',
  'conflict',
  /** A single-use link that was used already or has expired. */
  'gone',
  'unprocessable',
  'payload_too_large',
  'unsupported_media_type',
  'rate_limited',
  'unavailable',
  'stream_key_invalid',
  'internal',
] as const;
export type ErrorCode = (typeof ErrorCodes)[number];

/** RFC 9457 problem details body, as answered with `application/problem+json`. */
export const ProblemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  code: z.enum(ErrorCodes),
  detail: z.string(),
  requestId: z.string().optional(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});
export type Problem = z.infer<typeof ProblemSchema>;
