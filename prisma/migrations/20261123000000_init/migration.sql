-- CreateTable
CREATE TABLE "Source" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "urlEncrypted" TEXT,
    "config" JSONB NOT NULL DEFAULT '{}',
    "demo" BOOLEAN NOT NULL DEFAULT false,
    "healthStatus" TEXT NOT NULL DEFAULT 'unknown',
    "healthError" TEXT,
    "lastCheckedAt" TIMESTAMPTZ(3),
    "downSince" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Source_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Event" (
    "id" BIGSERIAL NOT NULL,
    "eventKey" TEXT NOT NULL,
    "sourceId" INTEGER NOT NULL,
    "occurredAt" TIMESTAMPTZ(3) NOT NULL,
    "ingestedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "kind" TEXT NOT NULL,
    "severity" TEXT NOT NULL,
    "message" TEXT NOT NULL,
    "fingerprint" TEXT NOT NULL,
    "raw" TEXT NOT NULL,
    "fields" JSONB NOT NULL DEFAULT '{}',
    "incidentId" INTEGER,

    CONSTRAINT "Event_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Incident" (
    "id" SERIAL NOT NULL,
    "fingerprint" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "sourceId" INTEGER,
    "firstSeen" TIMESTAMPTZ(3) NOT NULL,
    "lastSeen" TIMESTAMPTZ(3) NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 0,
    "status" TEXT NOT NULL DEFAULT 'open',
    "regression" BOOLEAN NOT NULL DEFAULT false,
    "statusChangedBy" TEXT,
    "statusChangedAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Incident_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Entity" (
    "id" SERIAL NOT NULL,
    "type" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "firstSeen" TIMESTAMPTZ(3) NOT NULL,
    "lastSeen" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Entity_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "EventEntity" (
    "eventId" BIGINT NOT NULL,
    "entityId" INTEGER NOT NULL,
    "role" TEXT,

    CONSTRAINT "EventEntity_pkey" PRIMARY KEY ("eventId","entityId")
);

-- CreateTable
CREATE TABLE "FailedWrite" (
    "id" SERIAL NOT NULL,
    "sourceId" INTEGER NOT NULL,
    "namespace" TEXT NOT NULL,
    "operation" TEXT NOT NULL,
    "idempotencyKey" JSONB NOT NULL,
    "keyHash" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "error" TEXT NOT NULL,
    "errorKind" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "leaseOwner" TEXT,
    "leaseUntil" TIMESTAMPTZ(3),
    "nextAttemptAt" TIMESTAMPTZ(3),
    "lastError" TEXT,
    "occurredAt" TIMESTAMPTZ(3) NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "FailedWrite_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ActionLog" (
    "id" SERIAL NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "sourceId" INTEGER,
    "target" JSONB NOT NULL DEFAULT '{}',
    "reason" TEXT,
    "before" JSONB,
    "outcome" TEXT NOT NULL,
    "detail" JSONB NOT NULL DEFAULT '{}',

    CONSTRAINT "ActionLog_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "LockSample" (
    "id" BIGSERIAL NOT NULL,
    "sourceId" INTEGER NOT NULL,
    "sampledAt" TIMESTAMPTZ(3) NOT NULL,
    "pid" INTEGER NOT NULL,
    "lockType" TEXT NOT NULL,
    "mode" TEXT NOT NULL,
    "granted" BOOLEAN NOT NULL,
    "objectKey" TEXT,
    "waitMs" INTEGER,
    "blockingPids" INTEGER[],
    "data" JSONB NOT NULL DEFAULT '{}',

    CONSTRAINT "LockSample_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CapacitySample" (
    "id" BIGSERIAL NOT NULL,
    "sourceId" INTEGER NOT NULL,
    "sampledAt" TIMESTAMPTZ(3) NOT NULL,
    "metric" TEXT NOT NULL,
    "value" DOUBLE PRECISION NOT NULL,
    "limit" DOUBLE PRECISION,
    "data" JSONB NOT NULL DEFAULT '{}',

    CONSTRAINT "CapacitySample_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Source_name_key" ON "Source"("name");

-- CreateIndex
CREATE UNIQUE INDEX "Event_eventKey_key" ON "Event"("eventKey");

-- CreateIndex
CREATE INDEX "Event_incidentId_occurredAt_idx" ON "Event"("incidentId", "occurredAt" DESC);

-- CreateIndex
CREATE INDEX "Event_sourceId_occurredAt_idx" ON "Event"("sourceId", "occurredAt" DESC);

-- CreateIndex
CREATE INDEX "Event_occurredAt_idx" ON "Event"("occurredAt" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "Incident_fingerprint_key" ON "Incident"("fingerprint");

-- CreateIndex
CREATE INDEX "Incident_lastSeen_idx" ON "Incident"("lastSeen" DESC);

-- CreateIndex
CREATE INDEX "Incident_kind_lastSeen_idx" ON "Incident"("kind", "lastSeen" DESC);

-- CreateIndex
CREATE INDEX "Incident_status_lastSeen_idx" ON "Incident"("status", "lastSeen" DESC);

-- CreateIndex
CREATE INDEX "Entity_value_idx" ON "Entity"("value");

-- CreateIndex
CREATE UNIQUE INDEX "Entity_type_value_key" ON "Entity"("type", "value");

-- CreateIndex
CREATE INDEX "EventEntity_entityId_eventId_idx" ON "EventEntity"("entityId", "eventId");

-- CreateIndex
CREATE INDEX "FailedWrite_status_nextAttemptAt_idx" ON "FailedWrite"("status", "nextAttemptAt");

-- CreateIndex
CREATE INDEX "FailedWrite_sourceId_namespace_idx" ON "FailedWrite"("sourceId", "namespace");

-- CreateIndex
CREATE INDEX "FailedWrite_keyHash_idx" ON "FailedWrite"("keyHash");

-- CreateIndex
CREATE INDEX "ActionLog_at_idx" ON "ActionLog"("at" DESC);

-- CreateIndex
CREATE INDEX "LockSample_sourceId_sampledAt_idx" ON "LockSample"("sourceId", "sampledAt" DESC);

-- CreateIndex
CREATE INDEX "LockSample_objectKey_sampledAt_idx" ON "LockSample"("objectKey", "sampledAt");

-- CreateIndex
CREATE INDEX "CapacitySample_sourceId_metric_sampledAt_idx" ON "CapacitySample"("sourceId", "metric", "sampledAt" DESC);

-- AddForeignKey
ALTER TABLE "Event" ADD CONSTRAINT "Event_sourceId_fkey" FOREIGN KEY ("sourceId") REFERENCES "Source"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Event" ADD CONSTRAINT "Event_incidentId_fkey" FOREIGN KEY ("incidentId") REFERENCES "Incident"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Incident" ADD CONSTRAINT "Incident_sourceId_fkey" FOREIGN KEY ("sourceId") REFERENCES "Source"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "EventEntity" ADD CONSTRAINT "EventEntity_eventId_fkey" FOREIGN KEY ("eventId") REFERENCES "Event"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "EventEntity" ADD CONSTRAINT "EventEntity_entityId_fkey" FOREIGN KEY ("entityId") REFERENCES "Entity"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "FailedWrite" ADD CONSTRAINT "FailedWrite_sourceId_fkey" FOREIGN KEY ("sourceId") REFERENCES "Source"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ActionLog" ADD CONSTRAINT "ActionLog_sourceId_fkey" FOREIGN KEY ("sourceId") REFERENCES "Source"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LockSample" ADD CONSTRAINT "LockSample_sourceId_fkey" FOREIGN KEY ("sourceId") REFERENCES "Source"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CapacitySample" ADD CONSTRAINT "CapacitySample_sourceId_fkey" FOREIGN KEY ("sourceId") REFERENCES "Source"("id") ON DELETE CASCADE ON UPDATE CASCADE;
