-- The latency mode a broadcast was started with (the channel's setting may change between broadcasts).
ALTER TABLE "live_sessions" ADD COLUMN "latency_mode" "LatencyMode" NOT NULL DEFAULT 'normal';
