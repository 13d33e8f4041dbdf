import { z } from "zod";

/**
 * A client library model (V1Service, a controller's manifest …) inside a stored record. The
 * record is checked to hold an object there; its fields are the API server's own and every one
 * of them is optional in the model, so steps read them as they read a live object.
 */
export const manifestOf = <T extends object>() => z.custom<T>((v) => typeof v === "object" && v !== null && !Array.isArray(v));

/** A GCE instance as steps record it (InstanceRef). */
export const instanceRef = z.object({ project: z.string(), zone: z.string(), name: z.string() });
