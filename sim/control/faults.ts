// Injected faults for tests of the console: latency or error answers for a route and verb,
// at a rate. Matching happens before any API handler runs.
export interface FaultRule {
  id: string;
  /** Regular expression over the request path (without query). */
  path: string;
  /** HTTP method, or "*" */
  method: string;
  /** 0..1 share of matching requests affected */
  rate: number;
  /**
   * Error status to answer (500, 503, 429, 409); "drop" to destroy the connection before the
   * request is handled (nothing changes); "drop-after" to handle it (a write lands) and destroy
   * the connection instead of answering: the client cannot tell whether it took effect.
   */
  status?: number | "drop" | "drop-after";
  latencyMs?: number;
  /** Stop after this many hits (unbounded when absent). */
  times?: number;
}

export class Faults {
  private rules: (FaultRule & { re: RegExp; hits: number })[] = [];

  add(rule: FaultRule): void {
    this.rules.push({ ...rule, re: new RegExp(rule.path), hits: 0 });
  }

  list(): FaultRule[] {
    return this.rules.map(({ re: _re, hits: _hits, ...r }) => r);
  }

  clear(): void {
    this.rules = [];
  }

  /** The fault to apply to this request, if any; `roll` is a 0..1 draw. */
  match(method: string, path: string, roll: number): FaultRule | undefined {
    for (const r of this.rules) {
      if (r.method !== "*" && r.method.toUpperCase() !== method.toUpperCase()) continue;
      if (!r.re.test(path)) continue;
      if (r.times !== undefined && r.hits >= r.times) continue;
      if (roll >= r.rate) continue;
      r.hits += 1;
      return r;
    }
    return undefined;
  }
}
