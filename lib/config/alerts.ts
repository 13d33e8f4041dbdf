import { z } from "zod";
import { MAX_BODY_BYTES } from "@/lib/http/body-limit";

// Alert intake settings (README "Alerts"), part of the environment validated at start.
// lib/alerts reads the result through config().alerts.

export const ALERT_SEVERITIES = ["low", "medium", "high", "critical"] as const;
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];

/**
 * Runbooks policy may run on its own after evidence: only those that need no parameters from a
 * person (isolate-node needs the investigator's SSH source range, and a disk snapshot first).
 */
export const AUTO_RUNBOOKS = ["isolate-pod"] as const;
export type AutoRunbook = (typeof AUTO_RUNBOOKS)[number];

export type AlertsConfig = {
  /** The shared secret Falcosidekick sends in the X-Airlock-Ingest-Secret header; unset: only ingest tokens. */
  ingestSecret?: string;
  /** Which Falco payload field names the cluster: "hostname" or an output field (a Falcosidekick custom field). */
  falcoClusterField: string;
  /** Value patterns of that field (`*` matches any run) to kubeconfig contexts, tried in order. */
  falcoClusters: { pattern: string; context: string }[];
  scc: {
    /** The push subscription's audience; unset: the SCC endpoint refuses every push. */
    audience?: string;
    /** The service account the push subscription signs its tokens as. */
    serviceAccount?: string;
    /** Google's signing certificates (PEM map), overridable so tests and the demo point it at the simulator. */
    certsUrl: string;
  };
  dedupeWindowSeconds: number;
  /** The lowest severity that opens an incident and collects evidence on its own; "off" never does. */
  autoOpen: AlertSeverity | "off";
  /** The runbook run, as the policy's actor, on an incident policy opened, once its evidence is collected; "off" runs none. */
  autoRunbook: AutoRunbook | "off";
  maxBodyBytes: number;
};

const optionalText = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === "" ? undefined : v.trim()));

const wholeNumber = (name: string, min: number, max: number) =>
  optionalText.refine((v) => v === undefined || (/^\d+$/.test(v) && Number(v) >= min && Number(v) <= max), {
    message: `${name} must be a whole number from ${min} to ${max}`,
  });

export const alertsEnv = {
  ALERT_INGEST_SECRET: optionalText.refine((v) => v === undefined || v.length >= 24, {
    message: "ALERT_INGEST_SECRET is too weak: use at least 24 characters (e.g. `openssl rand -base64 32`)",
  }),
  ALERT_FALCO_CLUSTER_FIELD: optionalText,
  ALERT_FALCO_CLUSTERS: optionalText,
  ALERT_SCC_AUDIENCE: optionalText,
  ALERT_SCC_SERVICE_ACCOUNT: optionalText.refine((v) => v === undefined || /^[^@\s]+@[^@\s]+$/.test(v), {
    message: "ALERT_SCC_SERVICE_ACCOUNT must be a service account email",
  }),
  ALERT_SCC_CERTS_URL: optionalText.refine((v) => v === undefined || URL.canParse(v), {
    message: "ALERT_SCC_CERTS_URL must be a URL (Google's is https://www.googleapis.com/oauth2/v1/certs)",
  }),
  ALERT_DEDUPE_WINDOW_SECONDS: wholeNumber("ALERT_DEDUPE_WINDOW_SECONDS", 1, 7 * 86_400),
  ALERT_AUTO_OPEN: optionalText.refine((v) => v === undefined || v === "off" || (ALERT_SEVERITIES as readonly string[]).includes(v), {
    message: `ALERT_AUTO_OPEN must be "off" or a severity (${ALERT_SEVERITIES.join(", ")})`,
  }),
  ALERT_AUTO_RUNBOOK: optionalText.refine((v) => v === undefined || v === "off" || (AUTO_RUNBOOKS as readonly string[]).includes(v), {
    message: `ALERT_AUTO_RUNBOOK must be "off" or ${AUTO_RUNBOOKS.join(", ")} (a runbook that needs no parameters)`,
  }),
  // No larger than route()'s own limit: a bigger body is refused there before the intake can record it.
  ALERT_MAX_BODY_BYTES: wholeNumber("ALERT_MAX_BODY_BYTES", 1024, MAX_BODY_BYTES),
};

type AlertsEnv = { [K in keyof typeof alertsEnv]?: string };

/** `{"gke-payments-*": "gke_acme-prod_us-central1-a_payments"}` → rules in order; throws a sentence on anything else. */
export function parseFalcoClusters(text: string | undefined): { pattern: string; context: string }[] {
  if (text === undefined) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error('ALERT_FALCO_CLUSTERS must be a JSON object, e.g. {"gke-payments-*":"gke_acme-prod_us-central1-a_payments"}');
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) throw new Error("ALERT_FALCO_CLUSTERS must be a JSON object of pattern → context");
  return Object.entries(parsed as Record<string, unknown>).map(([pattern, context]) => {
    if (typeof context !== "string" || !context.trim()) throw new Error(`ALERT_FALCO_CLUSTERS: "${pattern}" must map to a kubeconfig context name`);
    return { pattern, context: context.trim() };
  });
}

/** Cross-field rules, reported like the schema's own. */
export function alertsProblems(env: AlertsEnv): { variable: string; message: string }[] {
  const out: { variable: string; message: string }[] = [];
  try {
    parseFalcoClusters(env.ALERT_FALCO_CLUSTERS);
  } catch (e) {
    out.push({ variable: "ALERT_FALCO_CLUSTERS", message: (e as Error).message });
  }
  if (env.ALERT_SCC_AUDIENCE !== undefined && env.ALERT_SCC_SERVICE_ACCOUNT === undefined) {
    out.push({
      variable: "ALERT_SCC_SERVICE_ACCOUNT",
      message: "ALERT_SCC_SERVICE_ACCOUNT is required with ALERT_SCC_AUDIENCE (the push subscription's service account)",
    });
  }
  if (env.ALERT_AUTO_RUNBOOK !== undefined && env.ALERT_AUTO_RUNBOOK !== "off" && env.ALERT_AUTO_OPEN === "off") {
    out.push({
      variable: "ALERT_AUTO_RUNBOOK",
      message: `ALERT_AUTO_RUNBOOK=${env.ALERT_AUTO_RUNBOOK} runs only on incidents policy opens, and ALERT_AUTO_OPEN=off opens none: set ALERT_AUTO_OPEN to a severity or ALERT_AUTO_RUNBOOK=off`,
    });
  }
  return out;
}

export function alertsSettings(env: AlertsEnv): AlertsConfig {
  return {
    ingestSecret: env.ALERT_INGEST_SECRET,
    falcoClusterField: env.ALERT_FALCO_CLUSTER_FIELD ?? "hostname",
    falcoClusters: parseFalcoClusters(env.ALERT_FALCO_CLUSTERS),
    scc: {
      audience: env.ALERT_SCC_AUDIENCE,
      serviceAccount: env.ALERT_SCC_SERVICE_ACCOUNT,
      certsUrl: env.ALERT_SCC_CERTS_URL ?? "https://www.googleapis.com/oauth2/v1/certs",
    },
    dedupeWindowSeconds: env.ALERT_DEDUPE_WINDOW_SECONDS === undefined ? 600 : Number(env.ALERT_DEDUPE_WINDOW_SECONDS),
    autoOpen: (env.ALERT_AUTO_OPEN as AlertSeverity | "off" | undefined) ?? "critical",
    autoRunbook: (env.ALERT_AUTO_RUNBOOK as AutoRunbook | "off" | undefined) ?? "off",
    maxBodyBytes: env.ALERT_MAX_BODY_BYTES === undefined ? 256 * 1024 : Number(env.ALERT_MAX_BODY_BYTES),
  };
}

/** The configuration table rows for the README. */
export const ALERT_CONFIG_ROWS = [
  {
    name: "ALERT_INGEST_SECRET",
    default: "(unset)",
    description: "Shared secret Falcosidekick sends as X-Airlock-Ingest-Secret (at least 24 characters); unset: only ingest-role tokens.",
  },
  {
    name: "ALERT_FALCO_CLUSTER_FIELD",
    default: "hostname",
    description: "Falco payload field naming the cluster: hostname, or an output field such as a Falcosidekick custom field.",
  },
  {
    name: "ALERT_FALCO_CLUSTERS",
    default: "(unset)",
    description:
      'JSON: that field\'s value patterns (* matches any run) to kubeconfig contexts, e.g. {"gke-payments-*":"gke_acme-prod_us-central1-a_payments"}.',
  },
  {
    name: "ALERT_SCC_AUDIENCE",
    default: "(unset)",
    description: "Audience of the Pub/Sub push subscription's OIDC token; unset: /api/v1/alerts/scc refuses every push.",
  },
  {
    name: "ALERT_SCC_SERVICE_ACCOUNT",
    default: "(unset)",
    description: "Service account email the push subscription signs as (required with ALERT_SCC_AUDIENCE).",
  },
  {
    name: "ALERT_SCC_CERTS_URL",
    default: "https://www.googleapis.com/oauth2/v1/certs",
    description: "Where Google's token-signing certificates are read (the simulator serves its own).",
  },
  { name: "ALERT_DEDUPE_WINDOW_SECONDS", default: "600", description: "Alerts for the same pod and rule within this window are one alert with a count." },
  {
    name: "ALERT_AUTO_OPEN",
    default: "critical",
    description: 'Lowest severity that opens an incident and runs collect-evidence on its own; "off" never does.',
  },
  {
    name: "ALERT_AUTO_RUNBOOK",
    default: "off",
    description:
      "isolate-pod: on an incident ALERT_AUTO_OPEN opened, once collect-evidence ran, run that runbook as airlock (alert policy); approvals still apply.",
  },
  { name: "ALERT_MAX_BODY_BYTES", default: "262144", description: "Largest alert body accepted (413 above it)." },
];
