-- Alerts (lib/alerts): rules, destinations, the evaluator's per-subject state and the outbox.

-- CreateTable
CREATE TABLE "AlertDestination" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "urlEncrypted" TEXT NOT NULL,
    "secretEncrypted" TEXT,
    "origin" TEXT NOT NULL DEFAULT 'settings',
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "AlertDestination_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AlertRule" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "trigger" TEXT NOT NULL,
    "params" JSONB NOT NULL DEFAULT '{}',
    "filter" JSONB NOT NULL DEFAULT '{}',
    "reminderMinutes" INTEGER NOT NULL DEFAULT 60,
    "paused" BOOLEAN NOT NULL DEFAULT false,
    "activeSince" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "origin" TEXT NOT NULL DEFAULT 'settings',
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "AlertRule_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AlertRuleDestination" (
    "ruleId" INTEGER NOT NULL,
    "destinationId" INTEGER NOT NULL,

    CONSTRAINT "AlertRuleDestination_pkey" PRIMARY KEY ("ruleId","destinationId")
);

-- CreateTable
CREATE TABLE "AlertState" (
    "ruleId" INTEGER NOT NULL,
    "subject" TEXT NOT NULL,
    "firing" BOOLEAN NOT NULL,
    "openedAt" TIMESTAMPTZ(3) NOT NULL,
    "lastNotifiedAt" TIMESTAMPTZ(3) NOT NULL,
    "notifiedCount" INTEGER NOT NULL DEFAULT 0,
    "episodes" INTEGER NOT NULL DEFAULT 1,
    "snapshot" JSONB NOT NULL DEFAULT '{}',

    CONSTRAINT "AlertState_pkey" PRIMARY KEY ("ruleId","subject")
);

-- CreateTable
CREATE TABLE "AlertDelivery" (
    "id" SERIAL NOT NULL,
    "ruleId" INTEGER,
    "destinationId" INTEGER,
    "ruleName" TEXT,
    "destinationName" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "event" TEXT NOT NULL,
    "idempotencyKey" TEXT NOT NULL,
    "body" JSONB NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "leaseUntil" TIMESTAMPTZ(3),
    "lastStatus" INTEGER,
    "lastError" TEXT,
    "response" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sentAt" TIMESTAMPTZ(3),

    CONSTRAINT "AlertDelivery_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AlertEvaluator" (
    "name" TEXT NOT NULL,
    "lastRunAt" TIMESTAMPTZ(3),

    CONSTRAINT "AlertEvaluator_pkey" PRIMARY KEY ("name")
);

-- CreateIndex
CREATE UNIQUE INDEX "AlertDestination_name_key" ON "AlertDestination"("name");

-- CreateIndex
CREATE UNIQUE INDEX "AlertRule_name_key" ON "AlertRule"("name");

-- CreateIndex
CREATE INDEX "AlertRuleDestination_destinationId_idx" ON "AlertRuleDestination"("destinationId");

-- CreateIndex
CREATE INDEX "AlertState_ruleId_firing_idx" ON "AlertState"("ruleId", "firing");

-- CreateIndex
CREATE UNIQUE INDEX "AlertDelivery_idempotencyKey_key" ON "AlertDelivery"("idempotencyKey");

-- CreateIndex
CREATE INDEX "AlertDelivery_status_nextAttemptAt_idx" ON "AlertDelivery"("status", "nextAttemptAt");

-- CreateIndex
CREATE INDEX "AlertDelivery_createdAt_idx" ON "AlertDelivery"("createdAt" DESC);

-- CreateIndex
CREATE INDEX "AlertDelivery_destinationId_subject_id_idx" ON "AlertDelivery"("destinationId", "subject", "id");

-- AddForeignKey
ALTER TABLE "AlertRuleDestination" ADD CONSTRAINT "AlertRuleDestination_ruleId_fkey" FOREIGN KEY ("ruleId") REFERENCES "AlertRule"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AlertRuleDestination" ADD CONSTRAINT "AlertRuleDestination_destinationId_fkey" FOREIGN KEY ("destinationId") REFERENCES "AlertDestination"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AlertState" ADD CONSTRAINT "AlertState_ruleId_fkey" FOREIGN KEY ("ruleId") REFERENCES "AlertRule"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AlertDelivery" ADD CONSTRAINT "AlertDelivery_ruleId_fkey" FOREIGN KEY ("ruleId") REFERENCES "AlertRule"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AlertDelivery" ADD CONSTRAINT "AlertDelivery_destinationId_fkey" FOREIGN KEY ("destinationId") REFERENCES "AlertDestination"("id") ON DELETE SET NULL ON UPDATE CASCADE;
