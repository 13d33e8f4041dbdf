// Security headers for every response (set by proxy.ts). No server-only imports: proxy.ts loads it.

/**
 * A nonce-based policy: only scripts and style elements carrying this response's nonce run (Next
 * puts it on its own when the request carries the policy); what they load is trusted through
 * 'strict-dynamic'. Inline style *attributes* stay allowed: the virtualized pod table sizes its
 * spacer rows with them, and an attribute cannot run script.
 */
export function contentSecurityPolicy(nonce: string, opts: { dev: boolean }): string {
  return [
    "default-src 'self'",
    // Next's development server evaluates modules from strings; a production build never does.
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${opts.dev ? " 'unsafe-eval'" : ""}`,
    `style-src 'self' 'nonce-${nonce}'`,
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** Headers that do not depend on the request. HSTS only when the console is served over https. */
export function staticSecurityHeaders(publicUrl: string | undefined): Record<string, string> {
  return {
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    ...(publicUrl?.startsWith("https://") ? { "Strict-Transport-Security": "max-age=63072000; includeSubDomains" } : {}),
  };
}

export function newNonce(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return btoa(String.fromCharCode(...bytes));
}
