import { badRequest, invalid } from "../errors";
import type { KObject } from "../types";
import { applyPatch, patchTypeOf } from "./patch";
import { isDryRun, type RequestContext } from "./objects";
import { parseBody } from "./decode";
import { sendObject } from "./respond";
import { labelSelectorToString } from "./selectors";

// The autoscaling/v1 Scale subresource of deployments, replicasets and statefulsets, mapped
// onto the parent's spec.replicas (what `kubectl scale` patches).

function scaleOf(parent: KObject): KObject {
  return {
    kind: "Scale",
    apiVersion: "autoscaling/v1",
    metadata: {
      name: parent.metadata.name,
      namespace: parent.metadata.namespace,
      uid: parent.metadata.uid,
      resourceVersion: parent.metadata.resourceVersion,
      creationTimestamp: parent.metadata.creationTimestamp,
    },
    spec: { replicas: parent.spec?.replicas ?? 0 },
    status: { replicas: parent.status?.replicas ?? 0, selector: labelSelectorToString(parent.spec?.selector) },
  };
}

export async function handleScale(ctx: RequestContext): Promise<void> {
  const t = ctx.type;
  const store = ctx.cluster.store;
  const parent = store.mustGet(t.key, ctx.namespace, ctx.name!);
  const method = ctx.req.method ?? "GET";
  if (method === "GET") return sendObject(ctx.res, 200, scaleOf(parent));

  const dryRun = isDryRun(ctx.query);
  let desired: KObject;
  if (method === "PUT") {
    desired = parseBody(await ctx.body(), ctx.req.headers["content-type"]) as KObject;
    if (!desired || typeof desired !== "object") throw badRequest("Scale body must be an object");
  } else if (method === "PATCH") {
    desired = applyPatch(patchTypeOf(ctx.req.headers["content-type"]), "autoscaling/scale", scaleOf(parent), await ctx.body());
  } else {
    throw badRequest(`method ${method} is not supported on scale`);
  }
  const replicas = desired?.spec?.replicas;
  if (replicas !== undefined && typeof replicas !== "number") {
    throw badRequest(
      `Scale in version "v1" cannot be handled as a Scale: json: cannot unmarshal ${typeof replicas === "boolean" ? "bool" : typeof replicas} into Go struct field ScaleSpec.spec.replicas of type int32`,
    );
  }
  const n = replicas ?? 0;
  if (!Number.isInteger(n) || n < 0) {
    throw invalid({ kind: "Scale", group: "autoscaling", name: parent.metadata.name }, [
      { reason: "FieldValueInvalid", message: `Invalid value: ${n}: must be greater than or equal to 0`, field: "spec.replicas" },
    ]);
  }
  const next = structuredClone(parent) as KObject;
  next.spec = { ...(next.spec ?? {}), replicas: n };
  // The Scale's resourceVersion is the parent's: a stale one is a 409 on the parent.
  next.metadata.resourceVersion = desired?.metadata?.resourceVersion ?? parent.metadata.resourceVersion;
  const stored = store.update(t.key, next, { dryRun });
  sendObject(ctx.res, 200, scaleOf(stored));
}
