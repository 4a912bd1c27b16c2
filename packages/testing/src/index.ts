export * from './api.js';
export * from './browser.js';
export * from './fixtures.js';
export * from './hls.js';
export * from './process.js';
export * from './onda.js';
