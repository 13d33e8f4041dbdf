/**
 * Values of `callbackUrl` that a browser resolves to another origin (or a script), directly or after
 * one more decoding. Shared by the unit test (lib/auth/safe-callback.test.ts) and the browser test
 * (e2e/headers.spec.ts), which checks with the browser's own URL parser that each one is dangerous.
 */
export const CALLBACK_CORPUS: readonly string[] = [
  "//evil.example",
  "//evil.example/path",
  "///evil.example",
  "////evil.example",
  "/\\evil.example",
  "\\/evil.example",
  "\\\\evil.example",
  "/\\/evil.example",
  "/\t/evil.example",
  "/\n/evil.example",
  "/\r/evil.example",
  "\t//evil.example",
  " //evil.example",
  "/\t\\evil.example",
  "/%09/evil.example",
  "/%0a/evil.example",
  "/%0d/evil.example",
  "/%5cevil.example",
  "/%5c%5cevil.example",
  "/%2fevil.example",
  "/%2F%2Fevil.example",
  "%2f%2fevil.example",
  "/%2509/evil.example",
  "https://evil.example",
  "HTTPS://evil.example",
  "https:/evil.example",
  "javascript:alert(1)",
  "JaVaScRiPt:alert(1)",
  "java\tscript:alert(1)",
  "data:text/html,<script>alert(1)</script>",
  "//evil.example@127.0.0.1",
  "//\tevil.example",
];
