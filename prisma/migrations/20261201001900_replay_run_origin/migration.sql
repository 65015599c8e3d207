-- Where a replay run was started (lib/replay/replay-origin.ts): the Failed writes page, the
-- command line or the retry job. Runs from before this column came from the dashboard's API.
ALTER TABLE "ReplayRun" ADD COLUMN "origin" TEXT NOT NULL DEFAULT 'dashboard';
