import "server-only";
import { processSingleton } from "@/lib/process-singleton";

const clock = processSingleton("approvals.clock", () => ({ override: undefined as (() => Date) | undefined }));

/** Now, as approvals see it: expiry is tested by moving this clock, never by waiting. */
export function now(): Date {
  return clock.override?.() ?? new Date();
}

/** Tests only: a fixed or moving clock; undefined restores the real one. */
export function setClockForTests(override: (() => Date) | undefined): void {
  clock.override = override;
}
