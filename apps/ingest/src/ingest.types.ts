/** Structured logger; pino fits through a small adapter (see logger.ts). */
export interface IngestLogger {
  info(msg: string, ctx?: Record<string, unknown>): void;
  warn(msg: string, ctx?: Record<string, unknown>): void;
  error(msg: string, ctx?: Record<string, unknown>): void;
}

/** What the ingest tells its metrics (see packages/observability ingestMetrics). */
export interface IngestMetricsHooks {
  publish(result: 'accepted' | 'refused' | 'failed'): void;
}

/** A publisher as the metrics see it. */
export interface IngestPublisherStats {
  liveSessionId: string;
  /** Bytes received from the encoder so far. */
  bytesRead: number;
  /** When the publish was accepted (ms since the epoch). */
  startedAt: number;
}

/** Settings of one ingest server. */
export interface IngestServerConfig {
  rtmpPort: number;
  bind?: string;
  /** Base the worker pulls from, e.g. `rtmp://10.0.3.7:1935/live`; defaults to `advertiseHost` (or loopback) and the port. */
  pullBaseUrl?: string;
  /** Host in the default pull URL (see advertisedHost): this node's own address, so a worker pulls from exactly this replica. */
  advertiseHost?: string;
  internalToken: string;
  ingestId: string;
  /** Reserved for on-disk state; nothing is written today because NMS's store is not started. */
  dataDir: string;
  /** Longest wait for metadata/sequence headers before reporting `started` with what is known. */
  metadataTimeoutMs?: number;
  /** How often each publish asks the API whether to keep it (a force-end closes it); default 3 s. */
  controlPollMs?: number;
}

/** A running ingest. */
export interface IngestHandle {
  port: number;
  stop(): Promise<void>;
  /**
   * Graceful drain: refuses new publishes (encoders retry, through the balancer, on another node), keeps
   * running ones and the workers' pulls until they end or `deadlineMs` passes; resolves with how many
   * publishers were still on at the deadline (stop() then cuts them: the reconnect window keeps each
   * broadcast's session and recording whole when its encoder comes back on another node).
   */
  drain(deadlineMs: number): Promise<number>;
  readonly draining: boolean;
  activePublishers(): number;
  /** Every publisher with its live session id and bytes received (for the bitrate gauge). */
  publisherStats(): IngestPublisherStats[];
}
