-- CreateIndex
CREATE INDEX "LockSample_sourceId_lockType_sampledAt_idx" ON "LockSample"("sourceId", "lockType", "sampledAt" DESC);
