import type { EntityItemKind } from "./entity-query";

/** One row of an entity's timeline, whatever it came from. `id` is unique within its kind. */
export type TimelineItem = {
  kind: EntityItemKind;
  id: string;
  at: string;
  /** Lock spans: the last sample that saw it. */
  until?: string;
  source: string | null;
  title: string;
  detail?: string | null;
  severity?: string;
  status?: string;
  href?: string;
  entities?: { type: string; value: string; role: string | null }[];
};

export type DensityBucket = { t: number; events: number; other: number };

export type EntityTimeline = {
  type: string;
  key: string;
  entity: { firstSeen: string; lastSeen: string } | null;
  advisoryKeys: { label: string; via: string }[];
  items: TimelineItem[];
  nextCursor: string | null;
  /** Counts per bucket over the latest DENSITY_CAP events (and the other kinds). First page only. */
  density: { bucketMs: number; buckets: DensityBucket[]; capped: boolean } | null;
};

export const KIND_RANK: Record<EntityItemKind, number> = { event: 0, lock: 1, failed_write: 2, replay: 3, action: 4 };
