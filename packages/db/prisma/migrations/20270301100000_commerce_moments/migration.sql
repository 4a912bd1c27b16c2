-- Sponsor and commerce moments (issue 14): product cards, sponsor cards and coupon/giveaway drops shown during a live.
-- A claim is one row per (moment, viewer) and a conditional increment of "claimed" below "quantity", in one transaction.
CREATE TABLE "commerce_moments" (
    "id" UUID NOT NULL,
    "channel_id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'draft',
    "title" TEXT NOT NULL,
    "message" TEXT,
    "url" TEXT,
    "image_key" TEXT,
    "price_minor" INTEGER,
    "list_price_minor" INTEGER,
    "currency" TEXT,
    "display_seconds" INTEGER,
    "drop_kind" TEXT,
    "code" TEXT,
    "quantity" INTEGER,
    "claimed" INTEGER NOT NULL DEFAULT 0,
    "per_viewer_limit" INTEGER NOT NULL DEFAULT 1,
    "window_seconds" INTEGER,
    "require_account" BOOLEAN NOT NULL DEFAULT false,
    "live_session_id" UUID,
    "shown_at" TIMESTAMPTZ(3),
    "hidden_at" TIMESTAMPTZ(3),
    "created_by" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "commerce_moments_pkey" PRIMARY KEY ("id"),
    -- The database itself never lets claims pass the quantity, whatever a caller does.
    CONSTRAINT "commerce_moments_claimed_check" CHECK ("claimed" >= 0 AND ("quantity" IS NULL OR "claimed" <= "quantity"))
);

CREATE TABLE "commerce_claims" (
    "moment_id" UUID NOT NULL,
    "viewer_key" TEXT NOT NULL,
    "user_id" UUID,
    "units" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "commerce_claims_pkey" PRIMARY KEY ("moment_id","viewer_key")
);

CREATE TABLE "commerce_views" (
    "moment_id" UUID NOT NULL,
    "viewer_key" TEXT NOT NULL,
    "seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "clicked_at" TIMESTAMPTZ(3),

    CONSTRAINT "commerce_views_pkey" PRIMARY KEY ("moment_id","viewer_key")
);

CREATE INDEX "commerce_moments_channel_id_created_at_idx" ON "commerce_moments"("channel_id", "created_at" DESC);
CREATE INDEX "commerce_moments_live_session_id_idx" ON "commerce_moments"("live_session_id");

ALTER TABLE "commerce_moments" ADD CONSTRAINT "commerce_moments_channel_id_fkey" FOREIGN KEY ("channel_id") REFERENCES "channels"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "commerce_claims" ADD CONSTRAINT "commerce_claims_moment_id_fkey" FOREIGN KEY ("moment_id") REFERENCES "commerce_moments"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "commerce_views" ADD CONSTRAINT "commerce_views_moment_id_fkey" FOREIGN KEY ("moment_id") REFERENCES "commerce_moments"("id") ON DELETE CASCADE ON UPDATE CASCADE;
