-- CreateTable
CREATE TABLE "IncidentMinute" (
    "incidentId" INTEGER NOT NULL,
    "minute" TIMESTAMPTZ(3) NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "IncidentMinute_pkey" PRIMARY KEY ("incidentId","minute")
);

-- CreateTable
CREATE TABLE "IngestCheckpoint" (
    "id" SERIAL NOT NULL,
    "sourceId" INTEGER NOT NULL,
    "stream" TEXT NOT NULL,
    "fileId" TEXT NOT NULL,
    "offset" BIGINT NOT NULL,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "IngestCheckpoint_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "IngestCheckpoint_sourceId_stream_key" ON "IngestCheckpoint"("sourceId", "stream");

-- AddForeignKey
ALTER TABLE "IncidentMinute" ADD CONSTRAINT "IncidentMinute_incidentId_fkey" FOREIGN KEY ("incidentId") REFERENCES "Incident"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "IngestCheckpoint" ADD CONSTRAINT "IngestCheckpoint_sourceId_fkey" FOREIGN KEY ("sourceId") REFERENCES "Source"("id") ON DELETE CASCADE ON UPDATE CASCADE;
