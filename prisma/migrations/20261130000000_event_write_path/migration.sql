-- Event and EventEntity take every log line, by COPY, at 100,000 rows/s and more. A foreign key
-- there costs a lookup in the referenced table for every row written (PostgreSQL checks it with a
-- trigger per row), about a third of the store's cost per event. The writers check once per batch
-- instead (the source row is locked FOR KEY SHARE, incidents and entities are upserted in the same
-- transaction), and the deletes the foreign keys cascaded are done by the statement triggers below.

-- DropForeignKey
ALTER TABLE "Event" DROP CONSTRAINT IF EXISTS "Event_sourceId_fkey";
ALTER TABLE "Event" DROP CONSTRAINT IF EXISTS "Event_incidentId_fkey";
ALTER TABLE "EventEntity" DROP CONSTRAINT IF EXISTS "EventEntity_eventId_fkey";
ALTER TABLE "EventEntity" DROP CONSTRAINT IF EXISTS "EventEntity_entityId_fkey";

-- No read path lists a source's events by time; deleting a source (rare) may scan.
DROP INDEX IF EXISTS "Event_sourceId_occurredAt_idx";

-- Most events open no incident: only the others need an entry in the incident index.
DROP INDEX IF EXISTS "Event_incidentId_occurredAt_idx";
CREATE INDEX "Event_incidentId_occurredAt_idx" ON "Event"("incidentId", "occurredAt" DESC) WHERE "incidentId" IS NOT NULL;

-- What the foreign keys did on delete: a source takes its events, an event and an entity their
-- links, an incident leaves its events unassigned.
CREATE FUNCTION lockboard_source_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM "Event" e USING gone g WHERE e."sourceId" = g.id;
  RETURN NULL;
END $$;
CREATE TRIGGER "Source_deletes_events" AFTER DELETE ON "Source" REFERENCING OLD TABLE AS gone
  FOR EACH STATEMENT EXECUTE FUNCTION lockboard_source_deleted();

CREATE FUNCTION lockboard_incident_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "Event" e SET "incidentId" = NULL FROM gone g WHERE e."incidentId" = g.id;
  RETURN NULL;
END $$;
CREATE TRIGGER "Incident_unassigns_events" AFTER DELETE ON "Incident" REFERENCING OLD TABLE AS gone
  FOR EACH STATEMENT EXECUTE FUNCTION lockboard_incident_deleted();

CREATE FUNCTION lockboard_event_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM "EventEntity" x USING gone g WHERE x."eventId" = g.id;
  RETURN NULL;
END $$;
CREATE TRIGGER "Event_deletes_links" AFTER DELETE ON "Event" REFERENCING OLD TABLE AS gone
  FOR EACH STATEMENT EXECUTE FUNCTION lockboard_event_deleted();

CREATE FUNCTION lockboard_entity_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM "EventEntity" x USING gone g WHERE x."entityId" = g.id;
  RETURN NULL;
END $$;
CREATE TRIGGER "Entity_deletes_links" AFTER DELETE ON "Entity" REFERENCING OLD TABLE AS gone
  FOR EACH STATEMENT EXECUTE FUNCTION lockboard_entity_deleted();
