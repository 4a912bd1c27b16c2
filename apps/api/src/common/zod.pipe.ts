import { PipeTransform } from '@nestjs/common';
import { z } from 'zod';
import { AppError } from './app-error.js';

/** Validates a body, query or param with a zod schema from @onda/contracts; failures are 400 problem+json. */
export class ZodPipe<S extends z.ZodTypeAny> implements PipeTransform<unknown, z.infer<S>> {
  constructor(private readonly schema: S) {}

  transform(value: unknown): z.infer<S> {
    const result = this.schema.safeParse(value);
    if (result.success) return result.data;
    const errors = result.error.issues.map((issue) => ({ path: issue.path.join('.') || '(root)', message: issue.message }));
    throw new AppError('validation_failed', errors.map((e) => `${e.path}: ${e.message}`).join('; '), errors);
  }
}

/** A channel's `:idOrSlug` path parameter: an id or a slug, anything else a 400 problem. */
export const IdOrSlugSchema = z.string().min(1).max(64).regex(/^[A-Za-z0-9-]+$/, 'a channel id or slug');
export const idOrSlug = new ZodPipe(IdOrSlugSchema);
