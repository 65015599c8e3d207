import "server-only";
import type { PrismaClient } from "../../store/generated/client";
import { describeDetection, type Detection } from "../read/format-detect";

/** What a source's config keeps of the last detection (config.detectedFormat), shown on the Sources page. */
export type RememberedFormat = { format: string; prefix?: string; shape?: string; envelope?: string; summary: string; fellBack: boolean; at: string };

const sameFormat = (a: RememberedFormat | undefined, d: Detection) =>
  !!a &&
  a.format === d.format &&
  (a.prefix ?? null) === (d.prefix ?? null) &&
  (a.shape ?? null) === (d.shape ?? null) &&
  (a.envelope ?? null) === (d.envelope ?? null);

/**
 * Keeps the detected format in the source's config (merged in SQL: an edit of the other settings
 * at the same moment is not lost) and says whether it differs from the one remembered before.
 */
export async function rememberDetectedFormat(
  prisma: PrismaClient,
  sourceId: number,
  d: Detection,
): Promise<{ changed: boolean; previous: string | null; summary: string }> {
  const summary = describeDetection(d);
  const src = await prisma.source.findUnique({ where: { id: sourceId }, select: { config: true } });
  const before = ((src?.config ?? {}) as { detectedFormat?: RememberedFormat }).detectedFormat;
  if (sameFormat(before, d)) return { changed: false, previous: before!.summary, summary };
  const value: RememberedFormat = {
    format: d.format,
    prefix: d.prefix,
    shape: d.shape,
    envelope: d.envelope,
    summary,
    fellBack: d.fellBack,
    at: new Date().toISOString(),
  };
  await prisma.$executeRaw`UPDATE "Source" SET config = COALESCE(config, '{}'::jsonb) || jsonb_build_object('detectedFormat', ${JSON.stringify(value)}::jsonb) WHERE id = ${sourceId}`;
  return { changed: before !== undefined, previous: before?.summary ?? null, summary };
}
