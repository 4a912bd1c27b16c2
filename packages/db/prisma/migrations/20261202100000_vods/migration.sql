-- CreateEnum
CREATE TYPE "VodStatus" AS ENUM ('uploading', 'processing', 'ready', 'failed');

-- CreateEnum
CREATE TYPE "VodOrigin" AS ENUM ('recording', 'upload');

-- AlterTable
ALTER TABLE "live_sessions" ADD COLUMN     "disconnected_at" TIMESTAMPTZ(3);

-- CreateTable
CREATE TABLE "vods" (
    "id" UUID NOT NULL,
    "channel_id" UUID NOT NULL,
    "live_session_id" UUID,
    "origin" "VodOrigin" NOT NULL,
    "title" TEXT NOT NULL,
    "status" "VodStatus" NOT NULL DEFAULT 'processing',
    "source_key" TEXT,
    "source_bytes" BIGINT,
    "replay_prefix" TEXT,
    "duration_seconds" DOUBLE PRECISION,
    "width" INTEGER,
    "height" INTEGER,
    "renditions" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "progress_percent" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "eta_seconds" DOUBLE PRECISION,
    "failure_reason" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "ready_at" TIMESTAMPTZ(3),

    CONSTRAINT "vods_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "vods_live_session_id_key" ON "vods"("live_session_id");

-- CreateIndex
CREATE INDEX "vods_channel_id_created_at_idx" ON "vods"("channel_id", "created_at" DESC);

-- AddForeignKey
ALTER TABLE "vods" ADD CONSTRAINT "vods_channel_id_fkey" FOREIGN KEY ("channel_id") REFERENCES "channels"("id") ON DELETE CASCADE ON UPDATE CASCADE;
