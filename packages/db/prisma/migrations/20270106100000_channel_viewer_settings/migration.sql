-- Viewer settings of a channel (issue 15): how far back live viewers may rewind (0 = no DVR) and which
-- sites may embed its player (frame-ancestors of the embed pages; empty = nobody).
ALTER TABLE "channels" ADD COLUMN "dvr_window_seconds" INTEGER NOT NULL DEFAULT 300;
ALTER TABLE "channels" ADD COLUMN "embed_origins" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[];
