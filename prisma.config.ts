import { defineConfig } from "prisma/config";

// Prisma's config does not read .env; DATABASE_URL comes from the environment.
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://localhost/lockboard" },
});
