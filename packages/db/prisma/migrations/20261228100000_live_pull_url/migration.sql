-- AlterTable: where workers pull the session's current publish from (the ingest node holding it);
-- NULL between an encoder's reconnect and the new ingest's report.
ALTER TABLE "live_sessions" ADD COLUMN "pull_url" TEXT;
