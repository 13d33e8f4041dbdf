import { ApiError, badRequest } from "../../errors";
import { applyJsonPatch } from "./json";
import { applyMergePatch } from "./merge";
import { applyStrategicMergePatch, patchMetaFor } from "./strategic";

export { applyJsonPatch, applyMergePatch, applyStrategicMergePatch, patchMetaFor };

export type PatchType = "json" | "merge" | "strategic" | "apply";

export function patchTypeOf(contentType: string | undefined): PatchType {
  const ct = (contentType ?? "").split(";")[0].trim().toLowerCase();
  switch (ct) {
    case "application/json-patch+json":
      return "json";
    case "application/merge-patch+json":
      return "merge";
    case "application/strategic-merge-patch+json":
      return "strategic";
    case "application/apply-patch+yaml":
    case "application/apply-patch+cbor":
      return "apply";
    default:
      throw new ApiError(
        415,
        "UnsupportedMediaType",
        `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json`,
      );
  }
}

/** Applies a patch body to a plain copy of `original` for the given registry key. */
export function applyPatch<T>(type: PatchType, resourceKey: string, original: T, body: Buffer): T {
  // objects.ts answers apply itself (apply.ts): it needs field ownership, not a patch.
  if (type === "apply") throw new ApiError(415, "UnsupportedMediaType", "server-side apply is answered by the object handler");
  let patch: unknown;
  try {
    patch = JSON.parse(body.toString("utf8") || "null");
  } catch (err) {
    throw badRequest(`error decoding patch: ${(err as Error).message}`);
  }
  switch (type) {
    case "json":
      return applyJsonPatch(original, patch);
    case "merge":
      if (typeof patch !== "object" || patch === null || Array.isArray(patch)) {
        throw badRequest("json: cannot unmarshal into Go value of type map[string]interface {}");
      }
      return applyMergePatch(original, patch);
    case "strategic":
      return applyStrategicMergePatch(original, patch, patchMetaFor(resourceKey));
  }
}
