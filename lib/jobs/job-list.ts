import "server-only";
import { capacitySamplerJob } from "../capacity/capacity-job";
import { pgLogTailJob } from "../ingest/pg-log-tail-job";
import type { BackgroundJob } from "./background-job";
import { failedWriteRetryJob } from "../replay/retry-job";

/** Every periodic job the server runs (samplers, log tailers); scripts/serve.ts starts them. */
export const BACKGROUND_JOBS: BackgroundJob[] = [capacitySamplerJob, failedWriteRetryJob, pgLogTailJob];
