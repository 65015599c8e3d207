import "server-only";
import { pgLogTailJob } from "../ingest/pg-log-tail-job";
import type { BackgroundJob } from "./background-job";

/** Every periodic job the server runs (samplers, log tailers); scripts/serve.ts starts them. */
export const BACKGROUND_JOBS: BackgroundJob[] = [pgLogTailJob];
