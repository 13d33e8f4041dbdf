import type { GcpJson } from "../state";
import type { ComputeCtx } from "./context";
import { invalidField } from "./errors";

// testIamPermissions on any Compute resource: everything asked is granted unless a test put it
// in world.gcp.deniedPermissions. The real API leaves `permissions` out when none are granted.
export function testPermissions(ctx: ComputeCtx): GcpJson {
  const asked = ctx.body?.permissions;
  if (!Array.isArray(asked)) throw invalidField("permissions", asked ?? "", "Must be a list of permission names.");
  const granted = asked.filter((p: unknown) => typeof p === "string" && !ctx.world.gcp.deniedPermissions.has(p));
  return granted.length ? { permissions: granted } : {};
}
