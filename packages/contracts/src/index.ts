export * from './errors.js';
export * from './media.js';
export * from './channel.js';
export * from './jobs.js';
export * from './internal.js';
