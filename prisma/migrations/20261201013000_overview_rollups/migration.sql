-- Rollups the event writer keeps with IncidentMinute, in the same transaction (lib/ingest/store/event-sql.ts):
-- per source, incident kind and minute for the Overview, per incident and quarter hour for the
-- sparklines, and each incident's last hour for the rate sort (lib/incidents/last-hour.ts). All are
-- filled here from the minutes already stored.

-- CreateTable
CREATE TABLE "SourceKindMinute" (
    "minute" TIMESTAMPTZ(3) NOT NULL,
    "sourceId" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "SourceKindMinute_pkey" PRIMARY KEY ("minute","sourceId","kind")
);

-- CreateTable
CREATE TABLE "IncidentQuarter" (
    "incidentId" INTEGER NOT NULL,
    "quarter" TIMESTAMPTZ(3) NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "IncidentQuarter_pkey" PRIMARY KEY ("incidentId","quarter")
);

-- CreateTable
CREATE TABLE "IncidentLastHour" (
    "incidentId" INTEGER NOT NULL,
    "since" TIMESTAMPTZ(3) NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "IncidentLastHour_pkey" PRIMARY KEY ("incidentId")
);

-- CreateIndex
CREATE INDEX "IncidentQuarter_incidentId_quarter_count_idx" ON "IncidentQuarter"("incidentId", "quarter", "count");

-- AddForeignKey
ALTER TABLE "IncidentQuarter" ADD CONSTRAINT "IncidentQuarter_incidentId_fkey" FOREIGN KEY ("incidentId") REFERENCES "Incident"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "IncidentLastHour" ADD CONSTRAINT "IncidentLastHour_incidentId_fkey" FOREIGN KEY ("incidentId") REFERENCES "Incident"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Backfill. An incident's events come from its own source (fingerprints are scoped by source); one
-- whose source was deleted has none left to say which, and counts under source 0.
INSERT INTO "SourceKindMinute" ("minute", "sourceId", "kind", "count")
SELECT m."minute", coalesce(i."sourceId", 0), i."kind", sum(m."count")::int
FROM "IncidentMinute" m JOIN "Incident" i ON i."id" = m."incidentId"
GROUP BY 1, 2, 3
-- In time order, as the writer adds them: a range of minutes is then a run of pages.
ORDER BY 1, 2, 3;

INSERT INTO "IncidentQuarter" ("incidentId", "quarter", "count")
SELECT m."incidentId", date_bin('15 minutes', m."minute", TIMESTAMPTZ '1970-01-01 00:00:00+00'), sum(m."count")::int
FROM "IncidentMinute" m
GROUP BY 1, 2
ORDER BY 2, 1;

-- Every incident with minutes gets its row, counted from the minute an hour before the migration.
INSERT INTO "IncidentLastHour" ("incidentId", "since", "count")
SELECT i."id", date_trunc('minute', now() - interval '1 hour'),
       coalesce((SELECT sum(m."count") FROM "IncidentMinute" m WHERE m."incidentId" = i."id" AND m."minute" >= date_trunc('minute', now() - interval '1 hour')), 0)::int
FROM "Incident" i
WHERE EXISTS (SELECT 1 FROM "IncidentMinute" m WHERE m."incidentId" = i."id");
