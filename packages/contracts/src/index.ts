export * from './errors.js';
export * from './media.js';
export * from './channel.js';
export * from './jobs.js';
export * from './internal.js';
export * from './account.js';
export * from './vod.js';
export * from './chat.js';
