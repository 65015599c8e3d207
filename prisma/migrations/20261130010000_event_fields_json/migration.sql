-- An event's fields are kept to be read back whole (the event list, replay's field mapping), never
-- searched inside by SQL. As jsonb every row's fields were parsed and rebuilt on the way in, a
-- tenth of the store's time per ingested event; json only checks the text and stores it.
ALTER TABLE "Event" ALTER COLUMN "fields" DROP DEFAULT;
ALTER TABLE "Event" ALTER COLUMN "fields" TYPE json USING "fields"::json;
ALTER TABLE "Event" ALTER COLUMN "fields" SET DEFAULT '{}'::json;
