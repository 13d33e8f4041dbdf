import { describe, expect, it } from "vitest";
import { MAX_BODY_BYTES } from "@/lib/http/body-limit";
import { ConfigError, describeConfig, loadConfig } from "./index";

const SECRET = { NEXTAUTH_SECRET: "x".repeat(32) };

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig({ ...SECRET, ...env });
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).problems;
  }
  return [];
}

describe("alert intake configuration", () => {
  it("defaults: hostname mapping with no clusters, no secret, critical alerts open incidents, a 10-minute window", () => {
    expect(loadConfig(SECRET).alerts).toEqual({
      ingestSecret: undefined,
      falcoClusterField: "hostname",
      falcoClusters: [],
      scc: { audience: undefined, serviceAccount: undefined, certsUrl: "https://www.googleapis.com/oauth2/v1/certs" },
      dedupeWindowSeconds: 600,
      autoOpen: "critical",
      autoRunbook: "off",
      maxBodyBytes: 262144,
    });
  });

  it("reads the cluster mapping in order and the policy", () => {
    const a = loadConfig({
      ...SECRET,
      ALERT_FALCO_CLUSTER_FIELD: "cluster",
      ALERT_FALCO_CLUSTERS: '{"payments":"gke_p_l_payments","*":"gke_p_l_other"}',
      ALERT_AUTO_OPEN: "off",
      ALERT_AUTO_RUNBOOK: "off",
      ALERT_DEDUPE_WINDOW_SECONDS: "60",
    }).alerts;
    expect(a.falcoClusterField).toBe("cluster");
    expect(a.falcoClusters).toEqual([
      { pattern: "payments", context: "gke_p_l_payments" },
      { pattern: "*", context: "gke_p_l_other" },
    ]);
    expect(a.autoOpen).toBe("off");
    expect(a.autoRunbook).toBe("off");
    expect(loadConfig({ ...SECRET, ALERT_AUTO_RUNBOOK: "isolate-pod" }).alerts.autoRunbook).toBe("isolate-pod");
    expect(a.dedupeWindowSeconds).toBe(60);
  });

  it("refuses at start, naming the variable: a weak secret, a bad mapping, an unknown policy, SCC without its service account", () => {
    expect(problems({ ALERT_INGEST_SECRET: "short" })[0]).toMatch(/^ALERT_INGEST_SECRET is too weak/);
    expect(problems({ ALERT_FALCO_CLUSTERS: "payments=gke" })[0]).toMatch(/^ALERT_FALCO_CLUSTERS must be a JSON object/);
    expect(problems({ ALERT_FALCO_CLUSTERS: '{"a": 1}' })[0]).toMatch(/"a" must map to a kubeconfig context/);
    expect(problems({ ALERT_AUTO_OPEN: "always" })[0]).toMatch(/^ALERT_AUTO_OPEN must be "off" or a severity/);
    expect(problems({ ALERT_AUTO_RUNBOOK: "isolate-node" })[0]).toMatch(/^ALERT_AUTO_RUNBOOK must be "off" or isolate-pod/);
    expect(problems({ ALERT_AUTO_RUNBOOK: "isolate-pod", ALERT_AUTO_OPEN: "off" })[0]).toMatch(
      /^ALERT_AUTO_RUNBOOK=isolate-pod runs only on incidents policy opens/,
    );
    expect(problems({ ALERT_SCC_AUDIENCE: "https://x" })[0]).toMatch(/^ALERT_SCC_SERVICE_ACCOUNT is required/);
    expect(problems({ ALERT_DEDUPE_WINDOW_SECONDS: "0" })[0]).toMatch(/^ALERT_DEDUPE_WINDOW_SECONDS must be a whole number/);
  });

  it("caps ALERT_MAX_BODY_BYTES at the API's own body limit, which route() enforces before the intake records a delivery", () => {
    expect(problems({ ALERT_MAX_BODY_BYTES: String(MAX_BODY_BYTES) })).toEqual([]);
    expect(problems({ ALERT_MAX_BODY_BYTES: String(MAX_BODY_BYTES + 1) })[0]).toMatch(/^ALERT_MAX_BODY_BYTES must be a whole number from 1024 to 1048576/);
  });

  it("documents every variable", () => {
    const names = describeConfig().map((r) => r.name);
    for (const n of ["ALERT_INGEST_SECRET", "ALERT_FALCO_CLUSTERS", "ALERT_SCC_AUDIENCE", "ALERT_SCC_CERTS_URL", "ALERT_AUTO_OPEN", "ALERT_AUTO_RUNBOOK"])
      expect(names).toContain(n);
  });
});
