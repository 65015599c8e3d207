-- Read-path indexes for triage (incidents list, incident detail, entity timeline, overview).

-- CreateIndex
CREATE INDEX "Incident_sourceId_lastSeen_idx" ON "Incident"("sourceId", "lastSeen" DESC);

-- CreateIndex
CREATE INDEX "IncidentMinute_minute_idx" ON "IncidentMinute"("minute");

-- CreateIndex
CREATE INDEX "FailedWrite_idempotencyKey_idx" ON "FailedWrite" USING GIN ("idempotencyKey" jsonb_path_ops);

-- CreateIndex
CREATE INDEX "ActionLog_target_idx" ON "ActionLog" USING GIN ("target" jsonb_path_ops);
