-- People and roles (issue 14). Every pre-roles admin owns channels: it becomes a streamer. The operator flag is kept
-- as it is (the first-run admin, and accounts made with `create-admin --operator`), so those stay operators.
UPDATE "users" SET "role" = 'streamer' WHERE "role" = 'admin';

-- AlterTable
ALTER TABLE "users" ADD COLUMN "disabled_at" TIMESTAMPTZ(3),
ADD COLUMN "reset_token_hash" TEXT,
ADD COLUMN "reset_expires_at" TIMESTAMPTZ(3);

-- CreateIndex
CREATE UNIQUE INDEX "users_reset_token_hash_key" ON "users"("reset_token_hash");

-- AlterTable: an operator's invitation to join need not name a channel
ALTER TABLE "moderator_invitations" ALTER COLUMN "channel_id" DROP NOT NULL,
ADD COLUMN "role" TEXT NOT NULL DEFAULT 'moderator',
ADD COLUMN "token_hash" TEXT,
ADD COLUMN "expires_at" TIMESTAMPTZ(3),
ADD COLUMN "invited_by_id" UUID;

-- CreateIndex
CREATE UNIQUE INDEX "moderator_invitations_token_hash_key" ON "moderator_invitations"("token_hash");

-- CreateTable
CREATE TABLE "account_audit" (
    "id" UUID NOT NULL,
    "actor_id" UUID,
    "actor_email" TEXT,
    "target_id" UUID,
    "target_email" TEXT,
    "action" TEXT NOT NULL,
    "detail" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "account_audit_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "account_audit_created_at_idx" ON "account_audit"("created_at" DESC);

-- CreateIndex
CREATE INDEX "account_audit_target_id_idx" ON "account_audit"("target_id");
