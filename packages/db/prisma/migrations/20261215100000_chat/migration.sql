-- CreateEnum
CREATE TYPE "ChatMessageKind" AS ENUM ('message', 'announcement');

-- CreateEnum
CREATE TYPE "ChatOutcome" AS ENUM ('delivered', 'masked', 'held', 'dropped');

-- CreateEnum
CREATE TYPE "ChatPollStatus" AS ENUM ('open', 'closed');

-- CreateTable
CREATE TABLE "chat_rooms" (
    "channel_id" UUID NOT NULL,
    "slow_mode_seconds" INTEGER NOT NULL DEFAULT 0,
    "registered_only" BOOLEAN NOT NULL DEFAULT false,
    "blocked_words" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "blocked_patterns" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "blocked_words_action" TEXT NOT NULL DEFAULT 'mask',
    "profanity" TEXT NOT NULL DEFAULT 'mask',
    "link_policy" TEXT NOT NULL DEFAULT 'allow',
    "classifier" JSONB,
    "pinned_message_id" UUID,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "chat_rooms_pkey" PRIMARY KEY ("channel_id")
);

-- CreateTable
CREATE TABLE "chat_messages" (
    "id" UUID NOT NULL,
    "channel_id" UUID NOT NULL,
    "live_session_id" UUID,
    "kind" "ChatMessageKind" NOT NULL DEFAULT 'message',
    "author_key" TEXT NOT NULL,
    "nickname" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "registered" BOOLEAN NOT NULL,
    "text" TEXT NOT NULL,
    "masked" BOOLEAN NOT NULL DEFAULT false,
    "outcome" "ChatOutcome" NOT NULL,
    "hits" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "deleted_at" TIMESTAMPTZ(3),
    "reviewed_at" TIMESTAMPTZ(3),
    "reviewed_by" TEXT,
    "approved" BOOLEAN,

    CONSTRAINT "chat_messages_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "chat_bans" (
    "id" UUID NOT NULL,
    "channel_id" UUID NOT NULL,
    "author_key" TEXT NOT NULL,
    "nickname" TEXT,
    "reason" TEXT,
    "expires_at" TIMESTAMPTZ(3),
    "created_by" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revoked_at" TIMESTAMPTZ(3),

    CONSTRAINT "chat_bans_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "chat_polls" (
    "id" UUID NOT NULL,
    "channel_id" UUID NOT NULL,
    "question" TEXT NOT NULL,
    "options" TEXT[],
    "status" "ChatPollStatus" NOT NULL DEFAULT 'open',
    "results" INTEGER[] DEFAULT ARRAY[]::INTEGER[],
    "created_by" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "closes_at" TIMESTAMPTZ(3),
    "closed_at" TIMESTAMPTZ(3),

    CONSTRAINT "chat_polls_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "chat_poll_votes" (
    "poll_id" UUID NOT NULL,
    "voter_key" TEXT NOT NULL,
    "option" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "chat_poll_votes_pkey" PRIMARY KEY ("poll_id","voter_key")
);

-- CreateTable
CREATE TABLE "chat_audit" (
    "id" UUID NOT NULL,
    "channel_id" UUID NOT NULL,
    "live_session_id" UUID,
    "actor" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "target" TEXT,
    "detail" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "chat_audit_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "chat_peaks" (
    "channel_id" UUID NOT NULL,
    "session_key" TEXT NOT NULL,
    "peak" INTEGER NOT NULL DEFAULT 0,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "chat_peaks_pkey" PRIMARY KEY ("channel_id","session_key")
);

-- CreateIndex
CREATE INDEX "chat_messages_channel_id_created_at_idx" ON "chat_messages"("channel_id", "created_at" DESC);

-- CreateIndex
CREATE INDEX "chat_messages_channel_id_author_key_idx" ON "chat_messages"("channel_id", "author_key");

-- CreateIndex
CREATE INDEX "chat_messages_live_session_id_created_at_idx" ON "chat_messages"("live_session_id", "created_at");

-- CreateIndex
CREATE INDEX "chat_bans_channel_id_author_key_idx" ON "chat_bans"("channel_id", "author_key");

-- CreateIndex
CREATE INDEX "chat_bans_channel_id_created_at_idx" ON "chat_bans"("channel_id", "created_at" DESC);

-- CreateIndex
CREATE INDEX "chat_polls_channel_id_created_at_idx" ON "chat_polls"("channel_id", "created_at" DESC);

-- CreateIndex
CREATE INDEX "chat_audit_channel_id_created_at_idx" ON "chat_audit"("channel_id", "created_at" DESC);

-- CreateIndex
CREATE INDEX "chat_audit_live_session_id_idx" ON "chat_audit"("live_session_id");

-- CreateIndex (hand-written: not declared in schema.prisma)
-- A channel has at most one open poll; closing it frees the slot.
CREATE UNIQUE INDEX "chat_polls_one_open" ON "chat_polls"("channel_id") WHERE "status" = 'open';

-- AddForeignKey
ALTER TABLE "chat_rooms" ADD CONSTRAINT "chat_rooms_channel_id_fkey" FOREIGN KEY ("channel_id") REFERENCES "channels"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "chat_messages" ADD CONSTRAINT "chat_messages_channel_id_fkey" FOREIGN KEY ("channel_id") REFERENCES "channels"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "chat_bans" ADD CONSTRAINT "chat_bans_channel_id_fkey" FOREIGN KEY ("channel_id") REFERENCES "channels"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "chat_polls" ADD CONSTRAINT "chat_polls_channel_id_fkey" FOREIGN KEY ("channel_id") REFERENCES "channels"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "chat_poll_votes" ADD CONSTRAINT "chat_poll_votes_poll_id_fkey" FOREIGN KEY ("poll_id") REFERENCES "chat_polls"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "chat_audit" ADD CONSTRAINT "chat_audit_channel_id_fkey" FOREIGN KEY ("channel_id") REFERENCES "channels"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "chat_peaks" ADD CONSTRAINT "chat_peaks_channel_id_fkey" FOREIGN KEY ("channel_id") REFERENCES "channels"("id") ON DELETE CASCADE ON UPDATE CASCADE;
