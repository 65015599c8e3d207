-- Event and EventEntity become partitioned, so that retention drops whole days (a DROP TABLE: instant,
-- no dead rows, no vacuum debt) instead of deleting rows:
--
--   "Event"                       PARTITION BY LIST ("noise")
--     "Event_signal"  (false)     PARTITION BY RANGE ("occurredAt"): "Event_signal_p20261201", …
--     "Event_noise"   (true)      PARTITION BY RANGE ("occurredAt"): "Event_noise_p20261201",  …
--   "EventEntity"                 the same, on its own copy of its event's "occurredAt" and "noise"
--
-- "noise" marks unparsed and unclassified lines that open no incident: they are kept for
-- LOCKBOARD_NOISE_RETENTION_DAYS, everything else for LOCKBOARD_EVENT_RETENTION_DAYS. Days are UTC.
-- A unique key must hold every partition key column, so the ingest identity becomes
-- ("eventKey", "occurredAt", "noise"); the writer still looks a batch's keys up by "eventKey" alone
-- in every partition first (lib/ingest/store/write-batch.ts), which is what keeps a re-ingest empty.
-- No default partition: with one, every new day's ATTACH locks it exclusively (and every write
-- reads it), and a day cannot be detached CONCURRENTLY. The retention job makes today and the
-- next days ahead; the writer makes the day of any row whose day has none yet, before its batch
-- (lib/ingest/store/event-days.ts).

ALTER TABLE "Event" RENAME TO "Event_unpartitioned";
ALTER TABLE "EventEntity" RENAME TO "EventEntity_unpartitioned";
ALTER TABLE "Event_unpartitioned" RENAME CONSTRAINT "Event_pkey" TO "Event_unpartitioned_pkey";
ALTER TABLE "EventEntity_unpartitioned" RENAME CONSTRAINT "EventEntity_pkey" TO "EventEntity_unpartitioned_pkey";
ALTER INDEX "Event_eventKey_key" RENAME TO "Event_unpartitioned_eventKey_key";
ALTER INDEX "Event_incidentId_occurredAt_idx" RENAME TO "Event_unpartitioned_incidentId_occurredAt_idx";
ALTER INDEX "Event_occurredAt_idx" RENAME TO "Event_unpartitioned_occurredAt_idx";
ALTER INDEX "EventEntity_entityId_eventId_idx" RENAME TO "EventEntity_unpartitioned_entityId_eventId_idx";

CREATE TABLE "Event" (
    "id" BIGINT NOT NULL DEFAULT nextval('"Event_id_seq"'::regclass),
    "eventKey" TEXT NOT NULL,
    "sourceId" INTEGER NOT NULL,
    "occurredAt" TIMESTAMPTZ(3) NOT NULL,
    "ingestedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "kind" TEXT NOT NULL,
    "severity" TEXT NOT NULL,
    "message" TEXT NOT NULL,
    "fingerprint" TEXT NOT NULL,
    "raw" TEXT NOT NULL,
    "fields" JSON NOT NULL DEFAULT '{}'::json,
    "incidentId" INTEGER,
    "noise" BOOLEAN NOT NULL DEFAULT false
) PARTITION BY LIST ("noise");
ALTER SEQUENCE "Event_id_seq" OWNED BY "Event"."id";

CREATE TABLE "EventEntity" (
    "eventId" BIGINT NOT NULL,
    "entityId" INTEGER NOT NULL,
    "role" TEXT,
    "occurredAt" TIMESTAMPTZ(3) NOT NULL,
    "noise" BOOLEAN NOT NULL DEFAULT false
) PARTITION BY LIST ("noise");

CREATE TABLE "Event_signal" PARTITION OF "Event" FOR VALUES IN (false) PARTITION BY RANGE ("occurredAt");
CREATE TABLE "Event_noise" PARTITION OF "Event" FOR VALUES IN (true) PARTITION BY RANGE ("occurredAt");
CREATE TABLE "EventEntity_signal" PARTITION OF "EventEntity" FOR VALUES IN (false) PARTITION BY RANGE ("occurredAt");
CREATE TABLE "EventEntity_noise" PARTITION OF "EventEntity" FOR VALUES IN (true) PARTITION BY RANGE ("occurredAt");

-- One UTC day of both tables for each class named. Attached rather than created as PARTITION OF:
-- ATTACH takes SHARE UPDATE EXCLUSIVE on the parent, so readers and writers go on. Returns how
-- many partitions it made.
CREATE FUNCTION lockboard_create_event_day(day date, classes text[] DEFAULT ARRAY['signal', 'noise']) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  cls text;
  parent text;
  leaf text;
  lo timestamptz := day::timestamp AT TIME ZONE 'UTC';
  hi timestamptz := (day + 1)::timestamp AT TIME ZONE 'UTC';
  made integer := 0;
BEGIN
  -- Instances starting together (each makes today's days), writers and the retention job take turns.
  PERFORM pg_advisory_xact_lock(hashtext('lockboard_create_event_day'));
  FOREACH cls IN ARRAY classes LOOP
    FOREACH parent IN ARRAY ARRAY['Event_' || cls, 'EventEntity_' || cls] LOOP
      leaf := parent || '_p' || to_char(day, 'YYYYMMDD');
      CONTINUE WHEN to_regclass(format('%I', leaf)) IS NOT NULL;
      EXECUTE format('CREATE TABLE %I (LIKE %I INCLUDING DEFAULTS)', leaf, parent);
      EXECUTE format('ALTER TABLE %I ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', parent, leaf, lo, hi);
      made := made + 1;
    END LOOP;
  END LOOP;
  RETURN made;
END $$;

-- The days the rows moved here need, and the next few ahead.
SELECT lockboard_create_event_day(d::date)
FROM (SELECT DISTINCT ("occurredAt" AT TIME ZONE 'UTC')::date AS d FROM "Event_unpartitioned"
      UNION SELECT (now() AT TIME ZONE 'UTC')::date + k FROM generate_series(-1, 2) k) days;

INSERT INTO "Event" ("id","eventKey","sourceId","occurredAt","ingestedAt","kind","severity","message","fingerprint","raw","fields","incidentId","noise")
SELECT "id","eventKey","sourceId","occurredAt","ingestedAt","kind","severity","message","fingerprint","raw","fields","incidentId",
       "kind" IN ('unparsed','unclassified') AND "incidentId" IS NULL
FROM "Event_unpartitioned";

INSERT INTO "EventEntity" ("eventId","entityId","role","occurredAt","noise")
SELECT x."eventId", x."entityId", x."role", e."occurredAt", e."noise"
FROM "EventEntity_unpartitioned" x JOIN "Event" e ON e."id" = x."eventId";

DROP TABLE "EventEntity_unpartitioned";
DROP TABLE "Event_unpartitioned";

CREATE TABLE "EventRetention" (
    "class" TEXT NOT NULL,
    "days" INTEGER NOT NULL,
    "keptFrom" TIMESTAMPTZ(3),
    "droppedPartitions" INTEGER NOT NULL DEFAULT 0,
    "lastRunAt" TIMESTAMPTZ(3),
    CONSTRAINT "EventRetention_pkey" PRIMARY KEY ("class")
);

ALTER TABLE "Event" ADD CONSTRAINT "Event_pkey" PRIMARY KEY ("id", "occurredAt", "noise");
CREATE UNIQUE INDEX "Event_eventKey_occurredAt_noise_key" ON "Event"("eventKey", "occurredAt", "noise");
CREATE INDEX "Event_incidentId_occurredAt_idx" ON "Event"("incidentId", "occurredAt" DESC) WHERE "incidentId" IS NOT NULL;
CREATE INDEX "Event_occurredAt_idx" ON "Event"("occurredAt" DESC);
ALTER TABLE "EventEntity" ADD CONSTRAINT "EventEntity_pkey" PRIMARY KEY ("eventId", "entityId", "occurredAt", "noise");
-- An entity's latest links by time: one ordered scan per day, merged, whatever the entity's size.
CREATE INDEX "EventEntity_entityId_occurredAt_eventId_idx" ON "EventEntity"("entityId", "occurredAt" DESC, "eventId" DESC);

-- What the dropped foreign key did: an event takes its links (a partition drop takes its day of
-- links with it instead: lib/store/event-partitions.ts drops both tables' day together).
CREATE TRIGGER "Event_deletes_links" AFTER DELETE ON "Event" REFERENCING OLD TABLE AS gone
  FOR EACH STATEMENT EXECUTE FUNCTION lockboard_event_deleted();
