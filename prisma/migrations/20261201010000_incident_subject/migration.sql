-- What tells an incident from the others of its kind on its source (constraint, index, lock key,
-- relation), shown beside its title in every list. Ingest sets it on new incidents and fills it on
-- old ones at their next event; the backfill below reads each existing incident's latest event.
ALTER TABLE "Incident" ADD COLUMN "subject" TEXT;

UPDATE "Incident" i SET "subject" = left(s.subject, 160)
FROM (
  SELECT i2.id, coalesce(
    CASE WHEN e.raw ~ '"(lock_key|lockKey|advisory_key|advisoryKey)"' THEN 'advisory lock ' || substring(e.raw from '"(?:lock_key|lockKey|advisory_key|advisoryKey)"\s*:\s*"?([0-9,-]+)') END,
    CASE WHEN e.message ~ '^process \d+ (still waiting for|acquired) \w+ on advisory lock' THEN NULL ELSE e.fields->>'label' END,
    substring(e.fields->>'statement' from '(pg_(?:try_)?advisory_(?:xact_)?lock(?:_shared)?\s*\(.*\))'),
    'relation ' || substring(e.fields->>'statement' from '^\s*(?:UPDATE|DELETE\s+FROM|LOCK\s+(?:TABLE\s+)?)\s*(?:ONLY\s+)?("[^"]+"|[A-Za-z_][\w$]*(?:\.(?:"[^"]+"|[A-Za-z_][\w$]*))?)'),
    e.fields->>'label'
  ) AS subject
  FROM "Incident" i2
  CROSS JOIN LATERAL (SELECT message, raw, fields FROM "Event" WHERE "incidentId" = i2.id ORDER BY "occurredAt" DESC LIMIT 1) e
  WHERE i2."subject" IS NULL
) s
WHERE s.id = i.id AND s.subject IS NOT NULL;
