import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, describeConfig, loadConfig, parseRoleMap, rolesForEmail } from "./index";

const SECRET = "x".repeat(32);
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "airlock-config-"));

function problems(env: Record<string, string | undefined>): string[] {
  try {
    loadConfig(env, { demoDir: tmp() });
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).problems;
  }
  return [];
}

describe("loadConfig", () => {
  it("defaults to SQLite at .data/airlock.sqlite with a 300s propagation wait", () => {
    const c = loadConfig({ NEXTAUTH_SECRET: SECRET });
    expect(c.database).toEqual({ engine: "sqlite", file: ".data/airlock.sqlite" });
    expect(c.netpolPropagationSeconds).toBe(300);
    expect(c.demo).toBe(false);
    expect(c.demoPassword).toBe("airlock-demo");
    expect(c.gcpProjects).toEqual([]);
  });

  it("selects PostgreSQL for postgres:// URLs and SQLite for file: URLs", () => {
    expect(loadConfig({ NEXTAUTH_SECRET: SECRET, DATABASE_URL: "postgres://a:b@h/db" }).database.engine).toBe("postgres");
    expect(loadConfig({ NEXTAUTH_SECRET: SECRET, DATABASE_URL: "postgresql://h/db" }).database.engine).toBe("postgres");
    expect(loadConfig({ NEXTAUTH_SECRET: SECRET, DATABASE_URL: "file:/tmp/x.sqlite" }).database).toEqual({
      engine: "sqlite",
      file: "/tmp/x.sqlite",
    });
    expect(loadConfig({ NEXTAUTH_SECRET: SECRET, AIRLOCK_DB_FILE: "/tmp/y.sqlite" }).database).toEqual({
      engine: "sqlite",
      file: "/tmp/y.sqlite",
    });
    expect(problems({ NEXTAUTH_SECRET: SECRET, DATABASE_URL: "mysql://h/db" }).join()).toMatch(/DATABASE_URL/);
  });

  it("refuses a missing NEXTAUTH_SECRET outside demo mode, naming the variable", () => {
    const p = problems({ NODE_ENV: "production" });
    expect(p).toHaveLength(1);
    expect(p[0]).toMatch(/NEXTAUTH_SECRET is required/);
  });

  it("refuses plain-http Google endpoint overrides in production unless AIRLOCK_ALLOW_INSECURE_ENDPOINTS=1", () => {
    const env = {
      NODE_ENV: "production",
      NEXTAUTH_SECRET: SECRET,
      GOOGLE_COMPUTE_ENDPOINT: "http://127.0.0.1:8443",
      GOOGLE_IAM_ENDPOINT: "https://iam.example/",
    };
    const p = problems(env);
    expect(p).toEqual([expect.stringMatching(/^GOOGLE_COMPUTE_ENDPOINT is plain http:\/\/ in production; .*AIRLOCK_ALLOW_INSECURE_ENDPOINTS=1/)]);
    expect(loadConfig({ ...env, AIRLOCK_ALLOW_INSECURE_ENDPOINTS: "1" }).googleComputeEndpoint).toBe("http://127.0.0.1:8443");
    expect(loadConfig({ ...env, NODE_ENV: "development" }).googleComputeEndpoint).toBe("http://127.0.0.1:8443");
  });

  it("makes production cookies Secure whatever NEXTAUTH_URL says, unless explicitly allowed for local use", () => {
    const prod = { NODE_ENV: "production", NEXTAUTH_SECRET: SECRET, NEXTAUTH_URL: "http://console.internal" };
    expect(loadConfig(prod).secureCookies).toBe(true);
    expect(loadConfig({ ...prod, AIRLOCK_ALLOW_INSECURE_COOKIES: "1" }).secureCookies).toBe(false);
    expect(loadConfig({ NEXTAUTH_SECRET: SECRET, NEXTAUTH_URL: "http://127.0.0.1:3000" }).secureCookies).toBe(false);
    expect(loadConfig({ NEXTAUTH_SECRET: SECRET, NEXTAUTH_URL: "https://airlock.example" }).secureCookies).toBe(true);
    expect(problems({ ...prod, AIRLOCK_ALLOW_INSECURE_COOKIES: "yes" })[0]).toMatch(/AIRLOCK_ALLOW_INSECURE_COOKIES must be "1" or "0"/);
  });

  it("allows only GKE's credential plugin by default, or the list KUBECONFIG_EXEC_ALLOWLIST gives", () => {
    expect(loadConfig({ NEXTAUTH_SECRET: SECRET }).kubeconfigExecAllowlist).toEqual(["gke-gcloud-auth-plugin"]);
    expect(loadConfig({ NEXTAUTH_SECRET: SECRET, KUBECONFIG_EXEC_ALLOWLIST: "gke-gcloud-auth-plugin, aws-iam-authenticator" }).kubeconfigExecAllowlist).toEqual(
      ["gke-gcloud-auth-plugin", "aws-iam-authenticator"],
    );
  });

  it("refuses a demo password shorter than 12 characters", () => {
    expect(problems({ AIRLOCK_DEMO: "1", NEXTAUTH_SECRET: SECRET, DEMO_PASSWORD: "demo" })).toEqual(["DEMO_PASSWORD must be at least 12 characters"]);
  });

  it("refuses a weak NEXTAUTH_SECRET, even in demo mode", () => {
    expect(problems({ NEXTAUTH_SECRET: "short" })[0]).toMatch(/NEXTAUTH_SECRET is too weak/);
    expect(problems({ NEXTAUTH_SECRET: "short", AIRLOCK_DEMO: "1" })[0]).toMatch(/NEXTAUTH_SECRET is too weak/);
  });

  it("generates and persists a demo secret when demo mode has none", () => {
    const dir = tmp();
    const a = loadConfig({ AIRLOCK_DEMO: "1" }, { demoDir: dir });
    const b = loadConfig({ AIRLOCK_DEMO: "1" }, { demoDir: dir });
    expect(a.demo).toBe(true);
    expect(a.nextauthSecretGenerated).toBe(true);
    expect(a.nextauthSecret.length).toBeGreaterThanOrEqual(32);
    expect(b.nextauthSecret).toBe(a.nextauthSecret);
    expect(fs.readFileSync(path.join(dir, "nextauth-secret"), "utf8").trim()).toBe(a.nextauthSecret);
  });

  it("requires the OIDC client when OIDC_ISSUER is set, and validates the role map", () => {
    const p = problems({ NEXTAUTH_SECRET: SECRET, OIDC_ISSUER: "https://idp.example.com" });
    expect(p.join("\n")).toMatch(/OIDC_CLIENT_ID is required/);
    expect(p.join("\n")).toMatch(/OIDC_CLIENT_SECRET is required/);
    expect(problems({ NEXTAUTH_SECRET: SECRET, OIDC_ROLE_MAP: "a@x.com=root" })[0]).toMatch(/OIDC_ROLE_MAP.*unknown role "root"/);
    const c = loadConfig({
      NEXTAUTH_SECRET: SECRET,
      OIDC_ISSUER: "https://idp.example.com",
      OIDC_CLIENT_ID: "id",
      OIDC_CLIENT_SECRET: "s",
      OIDC_ROLE_MAP: "alice@x.com=analyst,lead;*@x.com=analyst",
    });
    expect(c.oidc?.roleMap).toHaveLength(2);
  });

  it("names bad numbers and URLs", () => {
    expect(problems({ NEXTAUTH_SECRET: SECRET, NETPOL_PROPAGATION_SECONDS: "soon" })[0]).toMatch(/NETPOL_PROPAGATION_SECONDS/);
    expect(problems({ NEXTAUTH_SECRET: SECRET, GOOGLE_COMPUTE_ENDPOINT: "not a url" })[0]).toMatch(/GOOGLE_COMPUTE_ENDPOINT/);
    expect(problems({ NEXTAUTH_SECRET: SECRET, AIRLOCK_DEMO: "yes" })[0]).toMatch(/AIRLOCK_DEMO/);
  });

  it("takes ATTEST_IMAGE only pinned by digest, defaulting to busybox by digest", () => {
    expect(loadConfig({ NEXTAUTH_SECRET: SECRET }).attestImage).toMatch(/^docker\.io\/library\/busybox:1\.36\.1@sha256:[0-9a-f]{64}$/);
    const pinned = `registry.example/busybox@sha256:${"a".repeat(64)}`;
    expect(loadConfig({ NEXTAUTH_SECRET: SECRET, ATTEST_IMAGE: pinned }).attestImage).toBe(pinned);
    expect(problems({ NEXTAUTH_SECRET: SECRET, ATTEST_IMAGE: "busybox:1.36" })[0]).toMatch(/ATTEST_IMAGE must be pinned by digest/);
  });

  it("takes AIRLOCK_TOOLBOX_IMAGE only pinned by digest, defaulting to busybox by digest", () => {
    expect(loadConfig({ NEXTAUTH_SECRET: SECRET }).toolboxImage).toMatch(/^busybox:1\.36\.1@sha256:[0-9a-f]{64}$/);
    const pinned = `registry.example/busybox@sha256:${"b".repeat(64)}`;
    expect(loadConfig({ NEXTAUTH_SECRET: SECRET, AIRLOCK_TOOLBOX_IMAGE: pinned }).toolboxImage).toBe(pinned);
    expect(problems({ NEXTAUTH_SECRET: SECRET, AIRLOCK_TOOLBOX_IMAGE: "busybox:1.36" })[0]).toMatch(/AIRLOCK_TOOLBOX_IMAGE must be pinned by digest/);
  });

  it("parses GCP_PROJECTS and NETPOL_PROPAGATION_SECONDS", () => {
    const c = loadConfig({ NEXTAUTH_SECRET: SECRET, GCP_PROJECTS: "a, b,,c", NETPOL_PROPAGATION_SECONDS: "0" });
    expect(c.gcpProjects).toEqual(["a", "b", "c"]);
    expect(c.netpolPropagationSeconds).toBe(0);
  });
});

describe("role map", () => {
  const rules = parseRoleMap("alice@x.com=analyst,lead;*@x.com=analyst");
  it("uses the first matching rule", () => {
    expect(rolesForEmail(rules, "Alice@X.com")).toEqual(["analyst", "lead"]);
    expect(rolesForEmail(rules, "bob@x.com")).toEqual(["analyst"]);
    expect(rolesForEmail(rules, "eve@y.com")).toEqual([]);
    expect(rolesForEmail(rules, "eve@x.com.evil.org")).toEqual([]);
  });
});

describe("describeConfig", () => {
  it("documents every variable", () => {
    const names = describeConfig().map((r) => r.name);
    for (const n of [
      "DATABASE_URL",
      "NEXTAUTH_SECRET",
      "AIRLOCK_DEMO",
      "OIDC_ROLE_MAP",
      "NETPOL_PROPAGATION_SECONDS",
      "AIRLOCK_ALLOW_INSECURE_COOKIES",
      "AIRLOCK_ALLOW_INSECURE_ENDPOINTS",
      "KUBECONFIG_EXEC_ALLOWLIST",
    ]) {
      expect(names).toContain(n);
    }
  });
});

describe("operations settings", () => {
  it("takes a metrics token of 32 characters or more, a whole-second shutdown grace and a known log level", () => {
    const c = loadConfig({ NEXTAUTH_SECRET: SECRET, AIRLOCK_METRICS_TOKEN: "t".repeat(32), AIRLOCK_SHUTDOWN_GRACE_SECONDS: "25", LOG_LEVEL: "debug" });
    expect(c).toMatchObject({ metricsToken: "t".repeat(32), shutdownGraceSeconds: 25 });
    expect(loadConfig({ NEXTAUTH_SECRET: SECRET })).toMatchObject({ metricsToken: undefined, shutdownGraceSeconds: 20 });
  });

  it("stops the start on a short metrics token, a grace that is not a number or an unknown log level, naming each", () => {
    const bad = () => loadConfig({ NEXTAUTH_SECRET: SECRET, AIRLOCK_METRICS_TOKEN: "short", AIRLOCK_SHUTDOWN_GRACE_SECONDS: "soon", LOG_LEVEL: "loud" });
    expect(bad).toThrow(ConfigError);
    expect(bad).toThrow(/AIRLOCK_METRICS_TOKEN must be at least 32 characters/);
    expect(bad).toThrow(/AIRLOCK_SHUTDOWN_GRACE_SECONDS must be a whole number/);
    expect(bad).toThrow(/LOG_LEVEL must be one of/);
  });
});
