/**
 * Where a browser may be sent after sign-in: a path on this console, nothing else. Browsers drop
 * tabs and newlines from URLs, treat `\` as `/`, and read `//host` as another origin; values also
 * arrive decoded once (or twice, through an extra redirect). So a value is refused when any
 * decoding of it holds a control character, whitespace or a backslash, or does not stay a plain
 * path, and what is returned is re-serialized by the same WHATWG URL parser browsers use.
 */
const BASE = "http://airlock.invalid";
const MAX_LENGTH = 2048;

function plainPath(v: string): boolean {
  // One leading slash, then anything but a second slash; no control characters, spaces or backslashes.
  return /^\/(?![/])/.test(v) && !/[\u0000-\u0020\u007f-\u00a0\u2028\u2029\\]/.test(v);
}

function decodings(v: string): string[] {
  const out = [v];
  for (let i = 0; i < 3; i++) {
    let next: string;
    try {
      next = decodeURIComponent(out[out.length - 1]);
    } catch {
      return [...out, "\\"]; // malformed escapes: refuse
    }
    if (next === out[out.length - 1]) break;
    out.push(next);
  }
  return out;
}

export function safeCallbackUrl(raw: string | string[] | undefined): string {
  const v = Array.isArray(raw) ? raw[0] : raw;
  if (typeof v !== "string" || v.length > MAX_LENGTH || !decodings(v).every(plainPath)) return "/";
  let url: URL;
  try {
    url = new URL(v, BASE);
  } catch {
    return "/";
  }
  if (url.origin !== BASE || url.pathname.startsWith("/signin") || url.pathname.startsWith("/api/auth")) return "/";
  return url.pathname + url.search + url.hash;
}

/** next-auth's redirect callback: same-origin targets only, through safeCallbackUrl. */
export function safeRedirect(url: string, baseUrl: string): string {
  const base = new URL(baseUrl);
  let path = url;
  if (!url.startsWith("/")) {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      return `${base.origin}/`;
    }
    if (target.origin !== base.origin) return `${base.origin}/`;
    path = target.pathname + target.search + target.hash;
  }
  return base.origin + safeCallbackUrl(path);
}
