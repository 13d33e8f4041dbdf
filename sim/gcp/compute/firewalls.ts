import type { GcpJson } from "../state";
import { normalizeProtocol, networkName } from "../firewall-eval";
import { computeTimestamp, mustGet, validateName, type ComputeCtx, type ComputeRoute } from "./context";
import { alreadyExists, GoogleApiError, invalidField, notFound } from "./errors";
import { listAt, storedItems } from "./listing";
import { startOperation } from "./operations";

// VPC firewall rules (global). Stored in the normalized form the API returns: defaults filled
// in (priority 1000, direction INGRESS, source 0.0.0.0/0 for ingress without sources,
// destination 0.0.0.0/0 for egress), network as a full URL, protocols lower-case.

const NAMED_PROTOCOLS = new Set(["tcp", "udp", "icmp", "esp", "ah", "sctp", "ipip", "all"]);
const PORTED_PROTOCOLS = new Set(["tcp", "udp", "sctp"]);
const CIDR_RE = /^(\d{1,3}\.){3}\d{1,3}(\/(3[0-2]|[12]?\d))?$|^[0-9a-fA-F:]+(\/\d{1,3})?$/;

function validateRules(field: "allowed" | "denied", rules: unknown): GcpJson[] {
  if (!Array.isArray(rules)) throw invalidField(`resource.${field}`, rules, "Must be a list.");
  return rules.map((r: GcpJson, i) => {
    const path = `resource.${field}[${i}]`;
    const raw = r?.IPProtocol;
    if (raw === undefined || raw === null || raw === "") throw new GoogleApiError(400, "required", `Required field '${path}.IPProtocol' not specified`);
    const text = String(raw).toLowerCase();
    const numeric = /^\d+$/.test(text);
    if (!(NAMED_PROTOCOLS.has(text) || (numeric && Number(text) <= 255))) {
      throw invalidField(`${path}.IPProtocol`, raw, "Must be one of [tcp, udp, icmp, esp, ah, sctp, ipip, all] or an IP protocol number between 0 and 255.");
    }
    const out: GcpJson = { IPProtocol: numeric ? text : text };
    if (r.ports !== undefined) {
      if (!Array.isArray(r.ports)) throw invalidField(`${path}.ports`, r.ports, "Must be a list.");
      if (r.ports.length) {
        if (!PORTED_PROTOCOLS.has(normalizeProtocol(text))) {
          throw invalidField(`${path}.ports[0]`, r.ports[0], "Ports may only be specified on rules whose protocol is one of [TCP, UDP, SCTP].");
        }
        r.ports.forEach((p: unknown, j: number) => {
          const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(String(p));
          const lo = m ? Number(m[1]) : NaN;
          const hi = m && m[2] !== undefined ? Number(m[2]) : lo;
          if (!m || lo > 65535 || hi > 65535 || lo > hi) {
            throw invalidField(`${path}.ports[${j}]`, p, "Must be a port number between 0 and 65535 or a range of such numbers, e.g. '1000-2000'.");
          }
        });
        out.ports = r.ports.map(String);
      }
    }
    return out;
  });
}

function validateRanges(field: string, ranges: unknown): string[] | undefined {
  if (ranges === undefined || ranges === null) return undefined;
  if (!Array.isArray(ranges)) throw invalidField(`resource.${field}`, ranges, "Must be a list.");
  ranges.forEach((r, i) => {
    const ok =
      typeof r === "string" &&
      CIDR_RE.test(r) &&
      (!r.includes(".") ||
        r
          .split("/")[0]
          .split(".")
          .every((o) => Number(o) <= 255));
    if (!ok) throw invalidField(`resource.${field}[${i}]`, r, "Must be a CIDR address range that is contained in the network.");
  });
  return ranges.length ? (ranges as string[]) : undefined;
}

function validateTags(field: string, tags: unknown): string[] | undefined {
  if (tags === undefined || tags === null) return undefined;
  if (!Array.isArray(tags)) throw invalidField(`resource.${field}`, tags, "Must be a list.");
  tags.forEach((t, i) => validateName(`resource.${field}[${i}]`, t));
  return tags.length ? (tags as string[]) : undefined;
}

function networkUrl(ctx: ComputeCtx, value: unknown): string {
  const name = networkName(typeof value === "string" && value ? value : "global/networks/default");
  const network = ctx.world.gcp.networks.get(name);
  if (!network) throw notFound(`projects/${ctx.project}/global/networks/${name}`);
  return network.selfLink;
}

/** Turns a request body (insert, or patch merged over the stored rule) into the stored rule. */
function normalize(ctx: ComputeCtx, input: GcpJson, previous?: GcpJson): GcpJson {
  const name = validateName("resource.name", input.name);
  const direction = input.direction ?? "INGRESS";
  if (direction !== "INGRESS" && direction !== "EGRESS") throw invalidField("resource.direction", direction, "Must be one of [INGRESS, EGRESS].");
  let priority = 1000;
  if (input.priority !== undefined && input.priority !== null) {
    priority = Number(input.priority);
    if (!Number.isInteger(priority)) throw invalidField("resource.priority", input.priority, "Must be an integer.");
    if (priority < 0) throw invalidField("resource.priority", input.priority, "Must be greater than or equal to 0");
    if (priority > 65535) throw invalidField("resource.priority", input.priority, "Must be less than or equal to 65535");
  }
  const allowed = input.allowed?.length ? validateRules("allowed", input.allowed) : undefined;
  const denied = input.denied?.length ? validateRules("denied", input.denied) : undefined;
  if (!!allowed === !!denied) {
    throw invalidField("resource", name, "Exactly one of 'allowed' or 'denied' must be specified.");
  }
  let sourceRanges = validateRanges("sourceRanges", input.sourceRanges);
  let destinationRanges = validateRanges("destinationRanges", input.destinationRanges);
  const sourceTags = validateTags("sourceTags", input.sourceTags);
  const targetTags = validateTags("targetTags", input.targetTags);
  const sourceServiceAccounts = input.sourceServiceAccounts?.length ? input.sourceServiceAccounts : undefined;
  const targetServiceAccounts = input.targetServiceAccounts?.length ? input.targetServiceAccounts : undefined;
  if (targetTags && targetServiceAccounts)
    throw invalidField("resource.targetServiceAccounts", targetServiceAccounts[0], "Target service accounts and target tags cannot both be specified.");
  if (sourceTags && sourceServiceAccounts)
    throw invalidField("resource.sourceServiceAccounts", sourceServiceAccounts[0], "Source service accounts and source tags cannot both be specified.");
  if (direction === "EGRESS" && (sourceTags || sourceServiceAccounts)) {
    throw invalidField(
      "resource.sourceTags",
      (sourceTags ?? sourceServiceAccounts)![0],
      "Source tags and source service accounts cannot be specified for EGRESS rules.",
    );
  }
  if (direction === "INGRESS" && !sourceRanges && !sourceTags && !sourceServiceAccounts) sourceRanges = ["0.0.0.0/0"];
  if (direction === "EGRESS" && !destinationRanges) destinationRanges = ["0.0.0.0/0"];
  const base = ctx.world.gcp.computeBase();
  return {
    kind: "compute#firewall",
    id: previous?.id ?? ctx.world.random.digits(19),
    creationTimestamp: previous?.creationTimestamp ?? computeTimestamp(ctx.world.clock.now()),
    name,
    description: input.description ?? "",
    network: networkUrl(ctx, input.network),
    priority,
    ...(sourceRanges ? { sourceRanges } : {}),
    ...(destinationRanges ? { destinationRanges } : {}),
    ...(sourceTags ? { sourceTags } : {}),
    ...(sourceServiceAccounts ? { sourceServiceAccounts } : {}),
    ...(targetTags ? { targetTags } : {}),
    ...(targetServiceAccounts ? { targetServiceAccounts } : {}),
    ...(allowed ? { allowed } : {}),
    ...(denied ? { denied } : {}),
    direction,
    logConfig: {
      enable: Boolean(input.logConfig?.enable),
      ...(input.logConfig?.enable ? { metadata: input.logConfig.metadata ?? "INCLUDE_ALL_METADATA" } : {}),
    },
    disabled: Boolean(input.disabled),
    selfLink: `${base}/global/firewalls/${name}`,
  };
}

function pathOf(ctx: ComputeCtx, name: string): string {
  return `global/firewalls/${name}`;
}

function insert(ctx: ComputeCtx): GcpJson {
  const body = ctx.body ?? {};
  const fw = normalize(ctx, body);
  if (ctx.world.gcp.firewalls.has(fw.name)) throw alreadyExists(`projects/${ctx.project}/${pathOf(ctx, fw.name)}`);
  ctx.world.gcp.firewalls.set(fw.name, fw);
  return startOperation(ctx.world, { scope: { global: true }, operationType: "insert", targetLink: fw.selfLink, targetId: fw.id });
}

function get(ctx: ComputeCtx): GcpJson {
  return structuredClone(mustGet(ctx.world.gcp.firewalls, ctx.params.firewall, ctx, pathOf(ctx, ctx.params.firewall)));
}

function list(ctx: ComputeCtx): GcpJson {
  return listAt(ctx, "compute#firewallList", "global/firewalls", storedItems(ctx.world.gcp.firewalls));
}

/** PATCH merges (fields given replace the stored ones); PUT replaces the whole rule. */
function change(ctx: ComputeCtx, mode: "patch" | "update"): GcpJson {
  const current = mustGet(ctx.world.gcp.firewalls, ctx.params.firewall, ctx, pathOf(ctx, ctx.params.firewall));
  const body = ctx.body ?? {};
  if (body.name !== undefined && body.name !== current.name) throw invalidField("resource.name", body.name, "The name of a firewall rule cannot be changed.");
  if (body.network !== undefined && networkName(body.network) !== networkName(current.network)) {
    throw invalidField("resource.network", body.network, "The network of a firewall rule cannot be changed.");
  }
  let merged: GcpJson;
  if (mode === "patch") {
    merged = { ...structuredClone(current), ...body };
    // Replacing the action: a patch that sets `allowed` drops `denied` and vice versa.
    if (body.allowed?.length && !body.denied) delete merged.denied;
    if (body.denied?.length && !body.allowed) delete merged.allowed;
    // Changing direction drops the other direction's default range.
    if (body.direction && body.direction !== current.direction) {
      if (!body.sourceRanges && current.sourceRanges?.join() === "0.0.0.0/0") delete merged.sourceRanges;
      if (!body.destinationRanges && current.destinationRanges?.join() === "0.0.0.0/0") delete merged.destinationRanges;
    }
  } else {
    merged = { ...body, name: current.name, network: current.network };
  }
  const fw = normalize(ctx, merged, current);
  ctx.world.gcp.firewalls.set(fw.name, fw);
  return startOperation(ctx.world, { scope: { global: true }, operationType: mode === "patch" ? "patch" : "update", targetLink: fw.selfLink, targetId: fw.id });
}

function remove(ctx: ComputeCtx): GcpJson {
  const fw = mustGet(ctx.world.gcp.firewalls, ctx.params.firewall, ctx, pathOf(ctx, ctx.params.firewall));
  ctx.world.gcp.firewalls.delete(fw.name);
  return startOperation(ctx.world, { scope: { global: true }, operationType: "delete", targetLink: fw.selfLink, targetId: fw.id });
}

export const firewallRoutes: ComputeRoute[] = [
  { method: "GET", pattern: "global/firewalls", handler: list },
  { method: "POST", pattern: "global/firewalls", handler: insert },
  { method: "GET", pattern: "global/firewalls/:firewall", handler: get },
  { method: "PATCH", pattern: "global/firewalls/:firewall", handler: (c) => change(c, "patch") },
  { method: "PUT", pattern: "global/firewalls/:firewall", handler: (c) => change(c, "update") },
  { method: "DELETE", pattern: "global/firewalls/:firewall", handler: remove },
];
