import "../scripts/require-node.cjs";
import { parseSimArgs } from "./args";
import { startSim } from "./start";
import { logJson } from "./core/log";

async function main(): Promise<void> {
  let args;
  try {
    args = parseSimArgs(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(2);
  }
  const started = Date.now();
  const sim = await startSim(args);
  // The ready line is the only thing on stdout: callers parse it to find the port.
  process.stdout.write(JSON.stringify(sim.ready) + "\n");
  logJson({ event: "started", scenario: args.scenario, ms: Date.now() - started, rssMiB: Math.round(process.memoryUsage().rss / 1048576) });
  const shutdown = (signal: string) => {
    logJson({ event: "stopping", signal });
    sim.stop().then(() => process.exit(0));
    setTimeout(() => process.exit(0), 3000).unref();
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
}

main().catch((err) => {
  logJson({ event: "fatal", error: String(err?.stack ?? err) });
  process.exit(1);
});
