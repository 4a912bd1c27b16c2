export * from './env.js';
export * from './schemas.js';
