import "server-only";
import { alertsJob } from "../alerts/alerts-job";
import { capacitySamplerJob } from "../capacity/capacity-job";
import { lastHourJob } from "../incidents/last-hour";
import { pgLogTailJob } from "../ingest/pg-log-tail-job";
import { lockSamplerJob } from "../postgres/lock-sampler";
import { replayResumeJob } from "../replay/resume-runs-job";
import { failedWriteRetryJob } from "../replay/retry-job";
import { underOneLease, type LeasedJob } from "../fleet/leased-job";
import { eventRetentionJob } from "../store/event-retention-job";

/** Every periodic job the server runs (samplers, log tailer, retries, alerts, the rate rollup's window, event retention), each under leases; instrumentation.ts starts them. */
export const BACKGROUND_JOBS: LeasedJob[] = [
  capacitySamplerJob,
  failedWriteRetryJob,
  lockSamplerJob,
  pgLogTailJob,
  replayResumeJob,
  underOneLease(alertsJob, "alert rules and deliveries"),
  underOneLease(lastHourJob, "the rate rollup's hour"),
  underOneLease(eventRetentionJob, "event partitions and retention"),
];
