// Simulated time: real time plus an offset that /_sim/clock/advance can grow, so tests can
// jump past grace periods and NetworkPolicy propagation without waiting for them.
interface Timer {
  due: number;
  fn: () => void;
  cancelled: boolean;
}

export class SimClock {
  private offsetMs = 0;
  private timers: Timer[] = [];

  now(): number {
    return Date.now() + this.offsetMs;
  }

  /** RFC 3339 with second precision, as Kubernetes writes timestamps. */
  isoNow(): string {
    return new Date(this.now()).toISOString().replace(/\.\d{3}Z$/, "Z");
  }

  /** Runs fn once `ms` of simulated time has passed (real waiting or an advance). */
  after(ms: number, fn: () => void): () => void {
    const timer: Timer = { due: this.now() + ms, fn, cancelled: false };
    this.timers.push(timer);
    const handle = setTimeout(() => this.runDue(), Math.max(0, ms) + 1);
    handle.unref?.();
    return () => {
      timer.cancelled = true;
      clearTimeout(handle);
    };
  }

  advance(seconds: number): void {
    this.offsetMs += seconds * 1000;
    this.runDue();
  }

  reset(): void {
    this.offsetMs = 0;
    for (const t of this.timers) t.cancelled = true;
    this.timers = [];
  }

  private runDue(): void {
    const now = this.now();
    const due = this.timers.filter((t) => !t.cancelled && t.due <= now).sort((a, b) => a.due - b.due);
    this.timers = this.timers.filter((t) => !t.cancelled && t.due > now);
    for (const t of due) t.fn();
  }
}
