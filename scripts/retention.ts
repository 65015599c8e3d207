// `npm run retention`: one pass of the event-retention job now (the job runs it every 10 minutes):
// the next days' partitions made, every day past LOCKBOARD_EVENT_RETENTION_DAYS /
// LOCKBOARD_NOISE_RETENTION_DAYS dropped. After lowering a retention, this applies it at once.
import { parseArgs } from "node:util";
import { runEventRetention } from "@/lib/store/event-retention-job";
import { withStore } from "./cli/with-store";

try {
  const { positionals } = parseArgs({ allowPositionals: true, options: {} });
  if (positionals.length > 0) throw new Error(`unexpected argument "${positionals[0]}"`);
} catch (err) {
  console.error(`npm run retention: ${(err as Error).message.split(/\. |\n/)[0]} (usage: npm run retention)`);
  process.exit(2);
}

await withStore(async () => {
  const { made, dropped, entities } = await runEventRetention(process.env.DATABASE_URL!);
  console.log(`partitions made for: ${made.join(", ") || "no new day"}`);
  for (const d of dropped)
    console.log(`${d.class}: kept from ${d.keptFrom}; ${d.dropped.length ? `dropped ${d.dropped.join(", ")}` : "nothing past retention"}`);
  console.log(`entities last seen before the first day kept, removed: ${entities}`);
});
