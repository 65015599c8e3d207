import { defineConfig } from "prisma/config";

// Prisma's config does not read .env; DATABASE_URL comes from the environment.
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://localhost/lockboard" },
  // Event and EventEntity keep their relations for Prisma Client but have no foreign keys in the
  // database (see schema.prisma): Migrate must not manage them, or `migrate dev` would add the
  // keys back. Their migrations are written by hand; lib/store/schema-drift.int.test.ts checks them.
  experimental: { externalTables: true },
  tables: { external: ["public.Event", "public.EventEntity"] },
});
