import "server-only";
import { notFound } from "next/navigation";
import { clusterIdSchema, namespaceSchema, objectNameSchema } from "./list-query";

/** Page segments get the same validation as the API's params; a malformed one is simply not a page. */
export function pageParam(kind: "cluster" | "namespace" | "name", raw: string): string {
  const value = decodeURIComponent(raw);
  const schema = kind === "cluster" ? clusterIdSchema : kind === "namespace" ? namespaceSchema : objectNameSchema;
  if (!schema.safeParse(value).success) notFound();
  return value;
}

export const firstString = (v: string | string[] | undefined): string => (Array.isArray(v) ? (v[0] ?? "") : (v ?? ""));

/** The `?namespace=` filter of a namespaced list: a malformed one filters nothing rather than failing the page. */
export function namespaceFilter(raw: string | string[] | undefined): string | undefined {
  const ns = firstString(raw);
  return ns && namespaceSchema.safeParse(ns).success ? ns : undefined;
}
