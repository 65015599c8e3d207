import "server-only";

/**
 * A body read whole but never past `maxBytes`: a declared length over it, or the bytes as they
 * arrive passing it, stop the read at once (the stream cancelled) with the caller's error, rather
 * than after buffering everything a peer chose to send.
 */
export async function readCapped(
  body: ReadableStream<Uint8Array> | null,
  declaredLength: string | null,
  maxBytes: number,
  tooLarge: (declared: number | null) => Error,
): Promise<Buffer> {
  const declared = Number(declaredLength ?? "0");
  if (declared > maxBytes) {
    await body?.cancel().catch(() => {});
    throw tooLarge(declared);
  }
  if (!body) return Buffer.alloc(0);
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      throw tooLarge(null);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}
