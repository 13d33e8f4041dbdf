import "server-only";

const CLOCK = Symbol.for("airlock.approvals.clock");
type Holder = { [CLOCK]?: () => Date };

/** Now, as approvals see it: expiry is tested by moving this clock, never by waiting. */
export function now(): Date {
  return (globalThis as Holder)[CLOCK]?.() ?? new Date();
}

/** Tests only: a fixed or moving clock; undefined restores the real one. */
export function setClockForTests(clock: (() => Date) | undefined): void {
  if (clock) (globalThis as Holder)[CLOCK] = clock;
  else delete (globalThis as Holder)[CLOCK];
}
