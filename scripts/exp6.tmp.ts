import { parsePgStderr } from "@/lib/ingest/pg-stderr-parser";
import { normalizeRecord } from "@/lib/ingest/normalize-record";
const { records } = parsePgStderr([{ text: "2026-11-23 04:00:00.003 UTC [20001] LOG:  duration: 0.1 ms  statement: SELECT id, session_uuid, created_at FROM session WHERE website_id = '7919' ORDER BY created_at DESC LIMIT 50", offset: 0 }]);
const r = records[0]; const now = new Date();
for (let k = 0; k < 3; k++) {
const t0 = performance.now();
for (let i = 0; i < 200000; i++) normalizeRecord(r, "k", "s", now);
console.log("per call us", ((performance.now() - t0) * 1000 / 200000).toFixed(2));
}
const t1 = performance.now();
for (let i = 0; i < 200000; i++) { const o: Record<string, unknown> = { ...r.fields, format: r.format, level: r.level, code: r.code }; for (const k in o) if (o[k] === undefined) delete o[k]; }
console.log("spread+delete us", ((performance.now() - t1) * 1000 / 200000).toFixed(2));
const t2 = performance.now();
for (let i = 0; i < 200000; i++) { r.time && !Number.isNaN(r.time.getTime()); }
console.log("time us", ((performance.now() - t2) * 1000 / 200000).toFixed(2));
