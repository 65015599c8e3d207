// The one rule for a source's name, wherever a name comes in: the Sources API, a push's source
// parameter or header, a token's binding, an OTLP resource's service.name. No "server-only": the
// rule holds for any caller, and it is plain data.
import { z } from "zod";

export const SOURCE_NAME_PATTERN = /^[\w.:@-]{1,80}$/;
export const SOURCE_NAME_RULE = "1 to 80 letters, digits and . _ : @ -";

export const isSourceName = (s: string): boolean => SOURCE_NAME_PATTERN.test(s);
export const SourceNameSchema = z.string().trim().regex(SOURCE_NAME_PATTERN, SOURCE_NAME_RULE);

/**
 * The source an OTLP resource's logs go to: `otel:<service.name>`, or `otel` when the service has
 * no name or `otel:<name>` would break the rule (so no token could ever be bound to it).
 */
export function otlpSourceName(serviceName: unknown): string {
  return typeof serviceName === "string" && isSourceName(serviceName) && isSourceName(`otel:${serviceName}`) ? `otel:${serviceName}` : "otel";
}
