import { afterAll, describe, expect, it, inject } from "vitest";
import { provokeUniqueViolation, waitForLogLine } from "@/e2e/support/pg-provoke";
import { disconnectPrisma, getPrisma } from "../store/prisma";
import { ingestPgLogFile } from "./ingest-file";

afterAll(disconnectPrisma);

describe("thin slice: a real unique violation becomes an event and an incident", () => {
  it("reads the server log line into Event, Entity and Incident, and a second read adds nothing", async () => {
    const uuid = await provokeUniqueViolation(inject("embeddedUrl"));
    const file = await waitForLogLine(inject("embeddedLogDir"), `(session_uuid)=(${uuid})`);
    const prisma = getPrisma();

    const first = await ingestPgLogFile(prisma, "embedded-pg", file);
    expect(first.inserted).toBeGreaterThanOrEqual(1);

    const event = await prisma.event.findFirstOrThrow({
      where: { kind: "duplicate_key", raw: { contains: uuid } },
      include: { incident: true, entities: { include: { entity: true } } },
    });
    expect(event.message).toBe('duplicate key value violates unique constraint "session_session_uuid_key"');
    expect(event.raw).toContain("DETAIL:");
    expect(event.raw).toContain("STATEMENT:");
    expect(event.entities.map((l) => [l.entity.type, l.entity.value])).toEqual([["session_uuid", uuid]]);
    expect(event.incident?.title).toBe("Duplicate key on session_session_uuid_key");
    const countBefore = event.incident!.count;

    const events = await prisma.event.count();
    const second = await ingestPgLogFile(prisma, "embedded-pg", file);
    expect(second.inserted).toBe(0);
    expect(second.duplicates).toBe(second.events);
    expect(await prisma.event.count()).toBe(events);
    expect((await prisma.incident.findUniqueOrThrow({ where: { id: event.incidentId! } })).count).toBe(countBefore);

    await provokeUniqueViolation(inject("embeddedUrl"));
    const third = await ingestPgLogFile(prisma, "embedded-pg", file);
    expect(third.inserted).toBeGreaterThanOrEqual(1);
    expect((await prisma.incident.findUniqueOrThrow({ where: { id: event.incidentId! } })).count).toBeGreaterThan(countBefore);
  });
});

describe("what opens an incident", () => {
  it("keeps informational server lines as events without opening incidents", async () => {
    const prisma = getPrisma();
    const events = await prisma.event.findMany({ where: { fields: { path: ["level"], equals: "LOG" } } });
    expect(events.length).toBeGreaterThan(0);
    expect(events.every((e) => e.incidentId === null)).toBe(true);
  });
});
