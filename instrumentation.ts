// Next.js calls register() once when a server process starts (`next start`, `next dev`), so the
// background jobs run under any process manager, not only under `npm start` (scripts/serve.ts).
export async function register(): Promise<void> {
  // Next inlines NEXT_RUNTIME per bundle: the edge bundle drops this branch and never sees Node code.
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { startServerJobs } = await import("./lib/jobs/start-server-jobs");
    startServerJobs();
  }
}
