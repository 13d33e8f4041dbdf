// multipart/related bodies, as uploadType=multipart sends them: a JSON metadata part, then the
// media part. Parsed on bytes, so a binary object survives.

export interface BodyPart {
  headers: Record<string, string>;
  body: Buffer;
}

/** The boundary parameter of a `multipart/related; boundary=…` content type, or undefined. */
export function boundaryOf(contentType: string | undefined): string | undefined {
  if (!contentType || !/^multipart\//i.test(contentType.trim())) return undefined;
  const m = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return m ? (m[1] ?? m[2]) : undefined;
}

/** The parts between the delimiters; undefined when the body is not a well-formed multipart body. */
export function parseMultipart(body: Buffer, boundary: string): BodyPart[] | undefined {
  const delimiter = Buffer.from(`--${boundary}`);
  let pos = body.indexOf(delimiter);
  if (pos < 0) return undefined;
  const parts: BodyPart[] = [];
  for (;;) {
    pos += delimiter.length;
    if (body.subarray(pos, pos + 2).toString() === "--") return parts;
    pos = skipNewline(body, pos);
    const next = body.indexOf(delimiter, pos);
    if (next < 0) return undefined;
    // The CRLF before the next delimiter belongs to the delimiter, not to the part.
    let end = next;
    if (body[end - 1] === 0x0a) end--;
    if (body[end - 1] === 0x0d) end--;
    const part = parsePart(body.subarray(pos, Math.max(pos, end)));
    if (!part) return undefined;
    parts.push(part);
    pos = next;
  }
}

function skipNewline(body: Buffer, pos: number): number {
  if (body[pos] === 0x0d && body[pos + 1] === 0x0a) return pos + 2;
  if (body[pos] === 0x0a) return pos + 1;
  return pos;
}

function parsePart(raw: Buffer): BodyPart | undefined {
  let split = raw.indexOf("\r\n\r\n");
  let gap = 4;
  if (split < 0) {
    split = raw.indexOf("\n\n");
    gap = 2;
  }
  if (split < 0) return undefined;
  const headers: Record<string, string> = {};
  for (const line of raw.subarray(0, split).toString("utf8").split(/\r?\n/)) {
    const colon = line.indexOf(":");
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { headers, body: raw.subarray(split + gap) };
}
