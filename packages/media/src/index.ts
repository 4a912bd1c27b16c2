export * from './h264.js';
export * from './ladder.js';
export * from './live-args.js';
export * from './m3u8.js';
export * from './ffmpeg-errors.js';
export * from './ffmpeg-process.js';
export * from './probe.js';
export * from './vod-args.js';
