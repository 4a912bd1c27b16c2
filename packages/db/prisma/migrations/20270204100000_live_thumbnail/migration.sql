-- AlterTable
ALTER TABLE "live_sessions" ADD COLUMN     "thumbnail_at" TIMESTAMPTZ(3);
