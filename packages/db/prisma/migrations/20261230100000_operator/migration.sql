-- AlterTable
ALTER TABLE "users" ADD COLUMN "operator" BOOLEAN NOT NULL DEFAULT false;

-- Existing installations: the oldest admin is the one first-run setup made; it stays the platform operator.
-- Every other admin becomes a tenant that reaches only its own channels (security issue #12, finding 1).
UPDATE "users" SET "operator" = true
WHERE "id" = (SELECT "id" FROM "users" WHERE "role" = 'admin' ORDER BY "created_at" ASC, "id" ASC LIMIT 1);
