-- The language an account reads mail in (issue 14, optional SMTP): set when it accepts an invitation or changes it; null = unknown.
-- AlterTable
ALTER TABLE "users" ADD COLUMN "locale" TEXT;
