import { JobSchemas, type JobName, type JobPayload } from '@onda/contracts';

/** A job payload that does not match its schema in `JobSchemas` (never retried: it cannot get better). */
export class JobPayloadError extends Error {
  constructor(
    readonly jobName: string,
    readonly issues: string[],
  ) {
    super(`invalid payload for job "${jobName}": ${issues.join('; ')}`);
    this.name = 'JobPayloadError';
  }
}

/** Parses a payload with its job schema (applying defaults) or throws JobPayloadError listing every issue. */
export function parseJobPayload<N extends JobName>(name: N, payload: unknown): JobPayload<N> {
  const schema = JobSchemas[name];
  if (!schema) throw new JobPayloadError(String(name), ['unknown job name']);
  const result = schema.safeParse(payload);
  if (!result.success) {
    throw new JobPayloadError(
      name,
      result.error.issues.map((issue) => `${issue.path.length ? issue.path.join('.') : '(root)'}: ${issue.message}`),
    );
  }
  return result.data as JobPayload<N>;
}

export const DEFAULT_ATTEMPTS = 3;
export const DEFAULT_BACKOFF_MS = 1000;
