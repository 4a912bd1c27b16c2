-- AlterTable
ALTER TABLE "live_sessions" ADD COLUMN     "degraded_at" TIMESTAMPTZ(3),
ADD COLUMN     "degraded_level" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "degraded_reason" TEXT;
