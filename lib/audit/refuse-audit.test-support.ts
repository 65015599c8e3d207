// Tests only: makes the store itself refuse an audit row, so a test can show that the change
// staged before it in the same transaction rolls back with it (no orphan row, no unaudited change).
import { randomBytes } from "node:crypto";
import type { PrismaClient } from "../store/generated/client";
import type { AuditAction } from "./action-names";

/**
 * A trigger on the test database's "ActionLog" that raises for any row whose actor is `marker`
 * or whose target mentions it (and, with `action`, only rows of that action). Returns the marker
 * and a function that drops the trigger.
 */
export async function refuseAuditRows(prisma: PrismaClient, opts: { marker?: string; action?: AuditAction } = {}) {
  const marker = opts.marker ?? `refuse-${randomBytes(5).toString("hex")}`;
  if (!/^[\w:@.-]+$/.test(marker)) throw new Error(`marker ${marker} must be a plain word`);
  const onlyAction = opts.action ? ` AND NEW.action = '${opts.action.replace(/'/g, "")}'` : "";
  const trigger = `refuse_audit_${randomBytes(5).toString("hex")}`;
  await prisma.$executeRawUnsafe(`
    CREATE OR REPLACE FUNCTION lockboard_test_refuse_audit() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION 'audit row refused by test trigger %', TG_NAME; END $$`);
  await prisma.$executeRawUnsafe(`
    CREATE TRIGGER ${trigger} BEFORE INSERT ON "ActionLog" FOR EACH ROW
    WHEN ((NEW.actor = '${marker}' OR strpos(NEW.target::text, '${marker}') > 0)${onlyAction})
    EXECUTE FUNCTION lockboard_test_refuse_audit()`);
  return { marker, restore: () => prisma.$executeRawUnsafe(`DROP TRIGGER IF EXISTS ${trigger} ON "ActionLog"`) };
}
