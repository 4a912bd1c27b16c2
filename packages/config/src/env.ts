import { z } from 'zod';

/** Thrown when the environment is invalid; the message lists every bad variable at once. */
export class ConfigError extends Error {
  constructor(readonly issues: string[]) {
    super(`Invalid configuration:\n${issues.map((i) => `  - ${i}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export type Env = Record<string, string | undefined>;

const emptyToUndefined = (v: unknown) => (v === '' ? undefined : v);
export const optionalString = z.preprocess(emptyToUndefined, z.string().optional());
export const optionalUrl = z.preprocess(emptyToUndefined, z.string().url().optional());
export const port = (fallback: number) => z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).max(65535).default(fallback));
export const bool = (fallback: boolean) =>
  z.preprocess(
    (v) => (v === undefined || v === '' ? fallback : ['1', 'true', 'yes', 'on'].includes(String(v).toLowerCase())),
    z.boolean(),
  );

/** Parses `env` with `schema`, freezing the result; throws ConfigError naming every invalid variable. */
export function parseEnv<S extends z.ZodTypeAny>(schema: S, env: Env, checks: Array<(env: Env) => string[]> = []): Readonly<z.infer<S>> {
  const result = schema.safeParse(env);
  // Cross-variable checks run on the raw environment so their findings are reported with the schema's.
  const issues = [
    ...(result.success ? [] : result.error.issues.map((issue) => `${issue.path.join('.') || '(env)'}: ${issue.message}`)),
    ...checks.flatMap((check) => check(env)),
  ];
  if (issues.length > 0 || !result.success) throw new ConfigError(issues);
  return Object.freeze(result.data);
}
