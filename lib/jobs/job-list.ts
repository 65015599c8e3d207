import "server-only";
import { capacitySamplerJob } from "../capacity/capacity-job";
import { pgLogTailJob } from "../ingest/pg-log-tail-job";
import { lockSamplerJob } from "../postgres/lock-sampler";
import { failedWriteRetryJob } from "../replay/retry-job";
import type { BackgroundJob } from "./background-job";

/** Every periodic job the server runs (samplers, log tailers); scripts/serve.ts starts them. */
export const BACKGROUND_JOBS: BackgroundJob[] = [capacitySamplerJob, failedWriteRetryJob, lockSamplerJob, pgLogTailJob];
