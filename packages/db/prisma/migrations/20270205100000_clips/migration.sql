-- Clips (issue 15 item 5): a short cut of a live broadcast or a VOD, made by a viewer or the owner
-- (the channel's clip_policy decides), cut by the worker into an MP4, HLS and a poster under clip/<id>/.
CREATE TYPE "ClipPolicy" AS ENUM ('viewers', 'owner', 'off');
CREATE TYPE "ClipStatus" AS ENUM ('processing', 'ready', 'failed');

ALTER TABLE "channels" ADD COLUMN "clip_policy" "ClipPolicy" NOT NULL DEFAULT 'viewers';

CREATE TABLE "clips" (
    "id" UUID NOT NULL,
    "channel_id" UUID NOT NULL,
    "creator_id" UUID,
    "live_session_id" UUID,
    "vod_id" UUID,
    "title" TEXT NOT NULL,
    "status" "ClipStatus" NOT NULL DEFAULT 'processing',
    "hidden" BOOLEAN NOT NULL DEFAULT false,
    "requested_seconds" DOUBLE PRECISION NOT NULL,
    "duration_seconds" DOUBLE PRECISION,
    "width" INTEGER,
    "height" INTEGER,
    "view_count" INTEGER NOT NULL DEFAULT 0,
    "failure_reason" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "ready_at" TIMESTAMPTZ(3),

    CONSTRAINT "clips_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "clips_channel_id_created_at_idx" ON "clips"("channel_id", "created_at" DESC);
CREATE INDEX "clips_creator_id_created_at_idx" ON "clips"("creator_id", "created_at" DESC);

ALTER TABLE "clips" ADD CONSTRAINT "clips_channel_id_fkey" FOREIGN KEY ("channel_id") REFERENCES "channels"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "clips" ADD CONSTRAINT "clips_creator_id_fkey" FOREIGN KEY ("creator_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;
