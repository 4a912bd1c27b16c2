-- AlterEnum (alone in its migration: a new enum value cannot be used in the transaction that adds it)
ALTER TYPE "UserRole" ADD VALUE 'streamer';
