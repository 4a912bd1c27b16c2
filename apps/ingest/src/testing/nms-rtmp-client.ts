import { createRequire } from 'node:module';

// Test-only (excluded from the build with the rest of src/testing): the ingest's medium specs and the e2e suite.

/**
 * node-media-server's own RTMP client. Unlike ffmpeg it sends media right after `publish` without waiting for the
 * answer, and it can send an HEVC-tagged stream (ffmpeg 5.1 cannot mux HEVC into FLV).
 */
export interface NmsRtmpClient {
  connect(url: string): Promise<void>;
  sendConnect(): Promise<unknown>;
  sendCreateStream(): Promise<number>;
  sendPublish(name: string): Promise<unknown>;
  sendMetaData(meta: Record<string, unknown>): void;
  sendPacket(packet: { codec_type: number; codec_id: number; flags: number; dts: number; pts: number; size: number; data: Buffer }): void;
  disconnect(): void;
}

/** The client class, from the node-media-server the ingest depends on (the package has no types for it). */
export const RtmpClient = createRequire(import.meta.url)('node-media-server/src/protocol/rtmp_client.js') as new () => NmsRtmpClient;
