-- Nullable, as Prisma writes a scalar list (lib/store/schema-drift.ts holds the two to one shape).
-- A token may be bound to source names; an empty list means unbound (see lib/auth/token-sources.ts).
ALTER TABLE "ApiToken" ADD COLUMN "sources" TEXT[] DEFAULT ARRAY[]::TEXT[];
