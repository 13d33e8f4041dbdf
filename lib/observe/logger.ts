import "server-only";
import pino, { type DestinationStream, type Logger } from "pino";
import { processSingleton } from "@/lib/process-singleton";

/**
 * The console's one logger: JSON lines on stdout (what a container runtime and a log shipper
 * read), level from LOG_LEVEL (default "info"). Field names that hold credentials are censored
 * whatever the caller passes; free text still goes through `redact` (lib/http/log.ts) first.
 */
const REDACT_PATHS = ["password", "token", "secret", "authorization", "cookie", "*.password", "*.token", "*.secret", "*.authorization", "*.cookie"];

function create(destination?: DestinationStream, level = process.env.LOG_LEVEL ?? "info"): Logger {
  return pino(
    {
      level,
      base: { service: "airlock" },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACT_PATHS, censor: "***" },
    },
    destination,
  );
}

const held = processSingleton("logger", () => ({ logger: create() }));

export function log(): Logger {
  return held.logger;
}

/**
 * Tests only: collect every line (as written, one JSON text each) instead of printing it, until
 * `restore()`; synchronous, so a line is there as soon as the call that logs it returns.
 */
export function captureLogsForTests(): { lines: string[]; restore: () => void } {
  const before = held.logger;
  const lines: string[] = [];
  held.logger = create({ write: (line: string) => void lines.push(line.trimEnd()) }, "info");
  return {
    lines,
    restore: () => {
      held.logger = before;
    },
  };
}
