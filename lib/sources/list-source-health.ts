import "server-only";
import { getPrisma } from "../store/prisma";

export type SourceHealth = {
  id: number;
  name: string;
  kind: string;
  demo: boolean;
  status: string;
  error: string | null;
  lastCheckedAt: string | null;
  downSince: string | null;
};

export async function listSourceHealth(): Promise<SourceHealth[]> {
  const rows = await getPrisma().source.findMany({ orderBy: { name: "asc" } });
  return rows.map((s) => ({
    id: s.id,
    name: s.name,
    kind: s.kind,
    demo: s.demo,
    // Log sources have nothing to connect to: they are up while they are registered.
    status: s.kind === "log" ? "up" : s.healthStatus,
    error: s.healthError,
    lastCheckedAt: s.lastCheckedAt?.toISOString() ?? null,
    downSince: s.downSince?.toISOString() ?? null,
  }));
}
