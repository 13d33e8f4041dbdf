/** Small display helpers shared by the cluster browser's tables. */
export const dash = "—";

export function yesNo(v: boolean | null | undefined): string {
  return v === null || v === undefined ? "unknown" : v ? "yes" : "no";
}

export function count(n: number | null | undefined, truncated = false): string {
  if (n === null || n === undefined) return truncated ? "many" : "unknown";
  return n.toLocaleString("en-US");
}

export function datapathLabel(d: string | null): string {
  if (d === "ADVANCED_DATAPATH") return "Dataplane V2";
  if (d === "LEGACY_DATAPATH") return "Legacy (iptables)";
  return d ?? "unknown";
}

export function age(iso: string | null, now = Date.now()): string {
  if (!iso) return dash;
  const s = Math.max(0, Math.floor((now - Date.parse(iso)) / 1000));
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.floor(s / 60)}m`;
  if (s < 172800) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86400)}d`;
}

export const clusterHref = (cluster: string, sub = "") => `/clusters/${encodeURIComponent(cluster)}${sub}`;
export const podHref = (cluster: string, ns: string, name: string) => clusterHref(cluster, `/pods/${encodeURIComponent(ns)}/${encodeURIComponent(name)}`);
export const nodeHref = (cluster: string, name: string) => clusterHref(cluster, `/nodes/${encodeURIComponent(name)}`);
