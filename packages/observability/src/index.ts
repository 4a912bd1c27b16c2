export * from './registry.js';
export * from './metrics.js';
export * from './health.js';
export * from './http.js';
export * from './parse.js';
export * from './logger.js';
