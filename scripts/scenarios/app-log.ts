import { appendFileSync, mkdirSync } from "node:fs";
import path from "node:path";

/** A simulated app's own log file: winston-style JSON lines or raw text (tracebacks), appended. */
export function appLog(logDir: string, scenario: string) {
  mkdirSync(logDir, { recursive: true });
  const file = path.join(logDir, `${scenario}.log`);
  return {
    file,
    json(level: string, message: string, fields: Record<string, unknown> = {}) {
      appendFileSync(file, `${JSON.stringify({ level, message, ...fields, timestamp: new Date().toISOString() })}\n`);
    },
    text(line: string) {
      appendFileSync(file, line.endsWith("\n") ? line : `${line}\n`);
    },
  };
}
