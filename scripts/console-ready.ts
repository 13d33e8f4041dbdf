/**
 * Whether a line of `next start` output says the server is up. Next prints "✓ Ready in 105ms";
 * the console's own JSON log line `"msg":"airlock ready"` must not count, or the demo's banner
 * prints twice.
 */
export function isConsoleReadyLine(line: string): boolean {
  return /^\W*Ready in\b|^\W*started server\b/i.test(line);
}
