import type { ScenarioName } from "./world";

export interface SimArgs {
  port: number;
  kubeconfig: string;
  scenario: ScenarioName;
  netpolDelaySeconds: number;
  seed: number;
  nodes?: number;
  pods?: number;
}

const USAGE = "usage: npm run sim -- [--port N] [--kubeconfig PATH] [--scenario demo|scale|empty] [--netpol-delay SECONDS] [--seed N] [--nodes N] [--pods N]";

export function parseSimArgs(argv: string[]): SimArgs {
  const args: SimArgs = { port: 0, kubeconfig: ".data/sim/kubeconfig", scenario: "demo", netpolDelaySeconds: 300, seed: 1 };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    const need = (): string => {
      if (value === undefined || value.startsWith("--")) throw new Error(`${flag} needs a value\n${USAGE}`);
      i += 1;
      return value;
    };
    const int = (min: number, max: number): number => {
      const v = need();
      const n = Number(v);
      if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${flag} must be a whole number from ${min} to ${max}, got "${v}"`);
      return n;
    };
    switch (flag) {
      case "--port":
        args.port = int(0, 65535);
        break;
      case "--kubeconfig":
        args.kubeconfig = need();
        break;
      case "--scenario": {
        const v = need();
        if (v !== "demo" && v !== "scale" && v !== "empty") throw new Error(`--scenario must be demo, scale or empty, got "${v}"`);
        args.scenario = v;
        break;
      }
      case "--netpol-delay":
        args.netpolDelaySeconds = int(0, 86_400);
        break;
      case "--seed":
        args.seed = int(0, 2 ** 31);
        break;
      case "--nodes":
        args.nodes = int(1, 5000);
        break;
      case "--pods":
        args.pods = int(0, 150_000);
        break;
      case "--help":
      case "-h":
        throw new Error(USAGE);
      default:
        throw new Error(`unknown flag "${flag}"\n${USAGE}`);
    }
  }
  return args;
}
