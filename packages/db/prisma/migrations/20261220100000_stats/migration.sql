-- CreateTable
CREATE TABLE "stats_beacons" (
    "playback_id" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "viewer_id" TEXT NOT NULL,
    "live_session_id" UUID,
    "vod_id" UUID,
    "received_at" TIMESTAMPTZ(3) NOT NULL,
    "position" DOUBLE PRECISION NOT NULL,
    "watched_seconds" DOUBLE PRECISION NOT NULL,
    "rendition" TEXT,
    "played" JSONB,
    "events" JSONB NOT NULL DEFAULT '[]',

    CONSTRAINT "stats_beacons_pkey" PRIMARY KEY ("playback_id","seq")
);

-- CreateTable
CREATE TABLE "stats_playbacks" (
    "playback_id" TEXT NOT NULL,
    "viewer_id" TEXT NOT NULL,
    "live_session_id" UUID,
    "vod_id" UUID,
    "country" TEXT,
    "first_at" TIMESTAMPTZ(3) NOT NULL,
    "last_at" TIMESTAMPTZ(3) NOT NULL,
    "beacons" INTEGER NOT NULL DEFAULT 0,
    "watch_seconds" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "stall_ms" INTEGER NOT NULL DEFAULT 0,
    "rebuffer_events" INTEGER NOT NULL DEFAULT 0,
    "errors" INTEGER NOT NULL DEFAULT 0,
    "fatal_errors" INTEGER NOT NULL DEFAULT 0,
    "startup_ms" INTEGER,
    "ended" BOOLEAN NOT NULL DEFAULT false,
    "rendition_seconds" JSONB NOT NULL DEFAULT '{}',
    "last_bucket" INTEGER NOT NULL DEFAULT -1,
    "last_minute" INTEGER NOT NULL DEFAULT -1,
    "vod_buckets" BYTEA,

    CONSTRAINT "stats_playbacks_pkey" PRIMARY KEY ("playback_id")
);

-- CreateTable
CREATE TABLE "stats_live_buckets" (
    "live_session_id" UUID NOT NULL,
    "bucket" INTEGER NOT NULL,
    "viewers" INTEGER NOT NULL DEFAULT 0,
    "reactions" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "stats_live_buckets_pkey" PRIMARY KEY ("live_session_id","bucket")
);

-- CreateTable
CREATE TABLE "stats_live_minutes" (
    "live_session_id" UUID NOT NULL,
    "minute" INTEGER NOT NULL,
    "viewers" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "stats_live_minutes_pkey" PRIMARY KEY ("live_session_id","minute")
);

-- CreateTable
CREATE TABLE "stats_vod_buckets" (
    "vod_id" UUID NOT NULL,
    "bucket" INTEGER NOT NULL,
    "sessions" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "stats_vod_buckets_pkey" PRIMARY KEY ("vod_id","bucket")
);

-- CreateTable
CREATE TABLE "stats_ingest_health" (
    "live_session_id" UUID NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "bitrate_kbps" DOUBLE PRECISION NOT NULL,
    "fps" DOUBLE PRECISION NOT NULL,
    "keyframe_interval_seconds" DOUBLE PRECISION,
    "dropped_frames" INTEGER NOT NULL,
    "speed" DOUBLE PRECISION,

    CONSTRAINT "stats_ingest_health_pkey" PRIMARY KEY ("live_session_id","at")
);

-- CreateIndex
CREATE INDEX "stats_beacons_received_at_idx" ON "stats_beacons"("received_at");

-- CreateIndex
CREATE INDEX "stats_playbacks_live_session_id_last_at_idx" ON "stats_playbacks"("live_session_id", "last_at");

-- CreateIndex
CREATE INDEX "stats_playbacks_vod_id_idx" ON "stats_playbacks"("vod_id");

-- AddForeignKey
ALTER TABLE "stats_playbacks" ADD CONSTRAINT "stats_playbacks_live_session_id_fkey" FOREIGN KEY ("live_session_id") REFERENCES "live_sessions"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "stats_playbacks" ADD CONSTRAINT "stats_playbacks_vod_id_fkey" FOREIGN KEY ("vod_id") REFERENCES "vods"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "stats_live_buckets" ADD CONSTRAINT "stats_live_buckets_live_session_id_fkey" FOREIGN KEY ("live_session_id") REFERENCES "live_sessions"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "stats_live_minutes" ADD CONSTRAINT "stats_live_minutes_live_session_id_fkey" FOREIGN KEY ("live_session_id") REFERENCES "live_sessions"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "stats_vod_buckets" ADD CONSTRAINT "stats_vod_buckets_vod_id_fkey" FOREIGN KEY ("vod_id") REFERENCES "vods"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "stats_ingest_health" ADD CONSTRAINT "stats_ingest_health_live_session_id_fkey" FOREIGN KEY ("live_session_id") REFERENCES "live_sessions"("id") ON DELETE CASCADE ON UPDATE CASCADE;

