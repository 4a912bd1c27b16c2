-- Simulcast destinations (issue 14): RTMP/RTMPS services a channel's broadcast is pushed to while live.
-- The stream key is stored only as AES-256-GCM ciphertext under the server secret, plus its masked form.
CREATE TABLE "simulcast_destinations" (
    "id" UUID NOT NULL,
    "channel_id" UUID NOT NULL,
    "platform" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "url" TEXT NOT NULL,
    "key_ciphertext" TEXT NOT NULL,
    "key_masked" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "revision" INTEGER NOT NULL DEFAULT 1,
    "state" TEXT NOT NULL DEFAULT 'idle',
    "state_reason" TEXT,
    "state_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "simulcast_destinations_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "simulcast_destinations_channel_id_idx" ON "simulcast_destinations"("channel_id");

ALTER TABLE "simulcast_destinations" ADD CONSTRAINT "simulcast_destinations_channel_id_fkey" FOREIGN KEY ("channel_id") REFERENCES "channels"("id") ON DELETE CASCADE ON UPDATE CASCADE;
