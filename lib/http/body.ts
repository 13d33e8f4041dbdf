import "server-only";

/** A request body read up to a limit: what fits (bytes and as text), the size sent, and whether it was over. */
export type CappedBody = { bytes: Buffer; text: string; size: number; tooLarge: boolean };

/**
 * Reads a request body, keeping at most `max` bytes and stopping past it even when no
 * Content-Length announced the size. Over the limit, `size` is at least the declared length.
 */
export async function readCapped(req: Request, max: number): Promise<CappedBody> {
  const declared = Number(req.headers.get("content-length") ?? NaN);
  const chunks: Uint8Array[] = [];
  let size = 0;
  let kept = 0;
  if (req.body) {
    const reader = req.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (kept < max) {
        const part = value.subarray(0, max - kept);
        chunks.push(part);
        kept += part.byteLength;
      }
      // Past the limit reading stops: the sender is told 413, and what fits is kept.
      if (size > max) {
        await reader.cancel().catch(() => {});
        if (Number.isFinite(declared)) size = Math.max(size, declared);
        break;
      }
    }
  }
  const bytes = Buffer.concat(chunks);
  return { bytes, text: bytes.toString("utf8"), size, tooLarge: size > max };
}
