import { ParseUUIDPipe } from '@nestjs/common';
import { AppError } from './app-error.js';

/** Validates an `:id` path parameter; a malformed id is a 400 problem, not a database error. */
export const uuidParam = (name = 'id') => new ParseUUIDPipe({ exceptionFactory: () => new AppError('validation_failed', `${name}: not a UUID`, [{ path: name, message: 'not a UUID' }]) });
