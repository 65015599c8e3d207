import "server-only";
import { gunzipSync, inflateSync } from "node:zlib";
import { HttpError, readBodyBytes } from "../http/errors";

/** Largest push accepted, after decompression (LOCKBOARD_INGEST_MAX_BYTES, default 10 MiB). */
export function maxPushBytes(): number {
  const v = Number(process.env.LOCKBOARD_INGEST_MAX_BYTES);
  return Number.isFinite(v) && v > 0 ? v : 10 * 1024 * 1024;
}

/**
 * The request body as bytes, refused with 413 past `maxBytes` whatever the transfer encoding, and
 * never a cut one: a body shorter than its Content-Length was truncated on the way (a proxy's
 * buffer) and is refused rather than stored as if whole.
 */
export async function readWholeBody(req: Request, maxBytes: number, limitName = ""): Promise<Buffer> {
  const raw = await readBodyBytes(req, maxBytes, limitName);
  const declared = req.headers.get("content-length");
  if (declared !== null && Number(declared) !== raw.length) {
    throw new HttpError(
      413,
      "too_large",
      `request body arrived cut (${raw.length} of ${declared} bytes); the limit is ${maxBytes} bytes${limitName ? ` (${limitName})` : ""}`,
    );
  }
  return raw;
}

/**
 * The push body, inflating gzip or deflate (the OpenTelemetry Collector and Vector compress by
 * default) within the same limit.
 */
export async function readPushBody(req: Request, maxBytes = maxPushBytes()): Promise<Buffer> {
  const raw = await readWholeBody(req, maxBytes, "LOCKBOARD_INGEST_MAX_BYTES");
  const encoding = (req.headers.get("content-encoding") ?? "identity").toLowerCase();
  if (encoding === "identity" || encoding === "") return raw;
  if (encoding !== "gzip" && encoding !== "deflate")
    throw new HttpError(415, "unsupported_encoding", `content-encoding "${encoding}" is not supported: send gzip, deflate or none`);
  try {
    return encoding === "gzip" ? gunzipSync(raw, { maxOutputLength: maxBytes }) : inflateSync(raw, { maxOutputLength: maxBytes });
  } catch (err) {
    const tooBig = /maxOutputLength|Cannot create a Buffer larger/i.test((err as Error).message) || (err as { code?: string }).code === "ERR_BUFFER_TOO_LARGE";
    if (tooBig) throw new HttpError(413, "too_large", `the ${encoding} body inflates past the limit of ${maxBytes} bytes (LOCKBOARD_INGEST_MAX_BYTES)`);
    throw new HttpError(400, "bad_encoding", `the body is not valid ${encoding}: ${(err as Error).message}`);
  }
}
