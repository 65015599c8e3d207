import { BUILTIN_CATALOG } from "@/lib/ingest/catalog-data";
const msg = "duration: 0.1 ms  statement: SELECT id, session_uuid, created_at FROM session WHERE website_id = '7919' ORDER BY created_at DESC LIMIT 50";
const msgs = Array.from({length: 1000}, (_, i) => msg.replace("7919", String(i*7)));
const bench = (name: string, f: (s: string) => unknown) => { for (let k=0;k<2;k++){ const t0 = performance.now(); for (let i = 0; i < 300000; i++) f(msgs[i%1000]); if(k) console.log(name, ((performance.now() - t0) * 1000 / 300000).toFixed(3), "us"); } };
const cs = BUILTIN_CATALOG.filter(e => !e.flags).map(e => `(?:${e.pattern})`).join("|");
const all = new RegExp(cs);
const up = new RegExp(BUILTIN_CATALOG.find(e => e.flags)!.pattern!, "i");
bench("combined cs", (s) => all.test(s));
bench("upstream i", (s) => up.test(s));
for (const e of BUILTIN_CATALOG) { const re = new RegExp(e.pattern!, e.flags); bench(e.kind, (s) => re.test(s)); }
bench("includes x15", (s) => s.includes("duplicate key")||s.includes("deadlock")||s.includes("serialize")||s.includes("lock timeout")||s.includes("waiting for")||s.includes("acquired")||s.includes("statement timeout")||s.includes("busy")||s.includes("429")||s.includes("too many")||s.includes("EMFILE")||s.includes("timeout")||s.includes("HEADERS")||s.includes("retry")||s.includes("E11000"));
