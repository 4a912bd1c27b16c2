-- CreateTable
CREATE TABLE "moderator_invitations" (
    "id" UUID NOT NULL,
    "channel_id" UUID NOT NULL,
    "email" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "moderator_invitations_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "moderator_invitations_email_idx" ON "moderator_invitations"("email");

-- CreateIndex
CREATE UNIQUE INDEX "moderator_invitations_channel_id_email_key" ON "moderator_invitations"("channel_id", "email");

-- AddForeignKey
ALTER TABLE "moderator_invitations" ADD CONSTRAINT "moderator_invitations_channel_id_fkey" FOREIGN KEY ("channel_id") REFERENCES "channels"("id") ON DELETE CASCADE ON UPDATE CASCADE;
