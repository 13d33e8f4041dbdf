// Tampering: every scenario of test/audit-tamper.ts (edit, re-hash, re-chain, delete, reorder,
// insert, truncate the newest K, rebuild, forged checkpoint, approval/step-run/evidence rows)
// on each engine, with the append-only triggers lifted. Target: all caught, first bad entry named.
import { runScenario, SCENARIOS, type TamperOutcome } from "@/test/audit-tamper";
import { engines } from "./engines";
import type { Figure } from "./types";

export const tampering: Figure = {
  id: "tampering",
  title: "Tampering with the audit record (triggers lifted)",
  target: "100% caught, first bad entry named",
  async run({ log, postgresUrl }) {
    const dbs = engines(postgresUrl);
    const outcomes: TamperOutcome[] = [];
    try {
      for (const engine of dbs.engines) {
        for (const scenario of SCENARIOS) {
          const o = await runScenario(() => dbs.open(engine), engine, scenario);
          outcomes.push(o);
          if (!o.named) log(`tampering [${engine}] ${scenario.name}: expected ${o.expected}, got ${o.got}`);
        }
      }
    } finally {
      await dbs.dispose();
    }
    // CI has PostgreSQL (.ci/run starts it): a run there without it proves half and must say so.
    const pgMissing = process.env.CI === "true" && !postgresUrl;
    const caught = outcomes.filter((o) => o.caught).length;
    const named = outcomes.filter((o) => o.named).length;
    return {
      result: `${caught}/${outcomes.length} caught, ${named} named exactly (${dbs.engines.join(" + ")})${pgMissing ? "; PostgreSQL missing under CI=true" : ""}`,
      met: outcomes.length > 0 && named === outcomes.length && !pgMissing,
      details: { engines: dbs.engines, outcomes },
    };
  },
};
