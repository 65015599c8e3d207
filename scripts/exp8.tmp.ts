const msg = "duration: 0.1 ms  statement: SELECT id, session_uuid, created_at FROM session WHERE website_id = '7919' ORDER BY created_at DESC LIMIT 50";
const msgs = Array.from({length: 1000}, (_, i) => msg.replace("7919", String(i*7)));
const bench = (name: string, f: (s: string) => unknown) => { for (let k=0;k<3;k++){ const t0 = performance.now(); for (let i = 0; i < 500000; i++) f(msgs[i%1000]); if(k==2) console.log(name, ((performance.now() - t0) * 1000 / 500000).toFixed(3), "us"); } };
const kws = ["duplicate key","e11000","unique constraint","deadlock","serialize","write conflict","writeconflict","lock timeout","could not obtain lock","unable to acquire","locktimeout","still waiting for","acquired","statement timeout","read timeout","exceeded time limit","resource busy","sqlite_busy","database is locked","ebusy","429","too many","remaining connection slots","pool exhausted","emfile","enfile","errno 24","timeout exceeded","timed out fetching","queuepool","pool timeout","err_http_headers_sent","cannot set headers","retry","retrying"];
const re = new RegExp(kws.map(k=>k.replace(/[.*+?^${}()|[\]\\]/g,"\\$&")).join("|"), "i");
bench("literal regex i", (s) => re.test(s));
const re2 = new RegExp(kws.map(k=>k.replace(/[.*+?^${}()|[\]\\]/g,"\\$&")).join("|"));
bench("literal regex cs", (s) => re2.test(s));
// Aho-Corasick
const goto: Map<number, number>[] = [new Map()]; const fail: number[] = [0]; const out: number[] = [0];
kws.forEach((k, idx) => { let s = 0; for (const ch of k.toLowerCase()) { const c = ch.charCodeAt(0); let n = goto[s].get(c); if (n === undefined) { n = goto.length; goto.push(new Map()); fail.push(0); out.push(0); goto[s].set(c, n); } s = n; } out[s] = 1; });
const q: number[] = []; for (const [, n] of goto[0]) { q.push(n); }
while (q.length) { const r = q.shift()!; for (const [c, u] of goto[r]) { q.push(u); let f = fail[r]; while (f && !goto[f].has(c)) f = fail[f]; const g = goto[f].get(c); fail[u] = g !== undefined && g !== u ? g : 0; out[u] |= out[fail[u]]; } }
const N = goto.length; const delta = new Int32Array(N * 128);
for (let s = 0; s < N; s++) for (let c = 0; c < 128; c++) { let t = s; while (t && !goto[t].has(c)) t = fail[t]; delta[s * 128 + c] = goto[t].get(c) ?? 0; }
const acc = new Uint8Array(out);
const ac = (s: string) => { let st = 0; for (let i = 0; i < s.length; i++) { let c = s.charCodeAt(i); if (c >= 65 && c <= 90) c |= 32; else if (c >= 128) { st = 0; continue; } st = delta[st * 128 + c]; if (acc[st]) return true; } return false; };
bench("aho-corasick", ac);
console.log(ac(msg), ac("ERROR: duplicate KEY value"), ac("x EMFILE y"));
