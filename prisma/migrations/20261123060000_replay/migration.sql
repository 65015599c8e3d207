-- AlterTable
ALTER TABLE "FailedWrite" ADD COLUMN     "captureKey" TEXT,
ADD COLUMN     "context" JSONB NOT NULL DEFAULT '{}',
ADD COLUMN     "origin" TEXT NOT NULL DEFAULT 'api',
ADD COLUMN     "outcomeDetail" JSONB,
ADD COLUMN     "resolvedAt" TIMESTAMPTZ(3);

-- CreateTable
CREATE TABLE "FailedWriteAttempt" (
    "id" SERIAL NOT NULL,
    "failedWriteId" INTEGER NOT NULL,
    "attempt" INTEGER NOT NULL,
    "replayRunId" INTEGER,
    "worker" TEXT NOT NULL,
    "startedAt" TIMESTAMPTZ(3) NOT NULL,
    "finishedAt" TIMESTAMPTZ(3) NOT NULL,
    "outcome" TEXT NOT NULL,
    "error" TEXT,
    "detail" JSONB NOT NULL DEFAULT '{}',

    CONSTRAINT "FailedWriteAttempt_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ReplayRun" (
    "id" SERIAL NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor" TEXT NOT NULL,
    "reason" TEXT,
    "selection" JSONB NOT NULL DEFAULT '{}',
    "total" INTEGER NOT NULL,
    "processed" INTEGER NOT NULL DEFAULT 0,
    "batchSize" INTEGER NOT NULL,
    "ratePerSec" INTEGER NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'queued',
    "startedAt" TIMESTAMPTZ(3),
    "finishedAt" TIMESTAMPTZ(3),
    "error" TEXT,

    CONSTRAINT "ReplayRun_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ReplayRunItem" (
    "replayRunId" INTEGER NOT NULL,
    "failedWriteId" INTEGER NOT NULL,
    "processedAt" TIMESTAMPTZ(3),
    "outcome" TEXT,

    CONSTRAINT "ReplayRunItem_pkey" PRIMARY KEY ("replayRunId","failedWriteId")
);

-- CreateTable
CREATE TABLE "UnparsedFailedWrite" (
    "id" SERIAL NOT NULL,
    "receivedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "origin" TEXT NOT NULL,
    "raw" TEXT NOT NULL,
    "error" TEXT NOT NULL,

    CONSTRAINT "UnparsedFailedWrite_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "FailedWrite_captureKey_key" ON "FailedWrite"("captureKey");

-- CreateIndex
CREATE INDEX "FailedWriteAttempt_failedWriteId_attempt_idx" ON "FailedWriteAttempt"("failedWriteId", "attempt");

-- CreateIndex
CREATE INDEX "ReplayRun_createdAt_idx" ON "ReplayRun"("createdAt" DESC);

-- CreateIndex
CREATE INDEX "ReplayRunItem_failedWriteId_idx" ON "ReplayRunItem"("failedWriteId");

-- AddForeignKey
ALTER TABLE "FailedWriteAttempt" ADD CONSTRAINT "FailedWriteAttempt_failedWriteId_fkey" FOREIGN KEY ("failedWriteId") REFERENCES "FailedWrite"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ReplayRunItem" ADD CONSTRAINT "ReplayRunItem_replayRunId_fkey" FOREIGN KEY ("replayRunId") REFERENCES "ReplayRun"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ReplayRunItem" ADD CONSTRAINT "ReplayRunItem_failedWriteId_fkey" FOREIGN KEY ("failedWriteId") REFERENCES "FailedWrite"("id") ON DELETE CASCADE ON UPDATE CASCADE;
