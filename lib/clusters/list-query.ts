import { z } from "zod";
import { fieldSelectorProblem, labelSelectorProblem } from "./selectors";

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

const blankToUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);

export const namespaceSchema = z.string().max(63).regex(DNS_LABEL, "must be a Kubernetes namespace name (DNS label)");
export const objectNameSchema = z.string().max(253).regex(DNS_SUBDOMAIN, "must be a Kubernetes object name");
/** kubeconfig context names are free text in kubeconfig; bound them and keep URL-hostile characters out. */
export const clusterIdSchema = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z0-9._:@-]+$/, "must be a cluster id (kubeconfig context name)");

/**
 * The query of every list door: validated before any cluster call, so a malformed selector is
 * a 400 from us rather than a round trip to the API server.
 */
export const listQuerySchema = z.object({
  namespace: z.preprocess(blankToUndefined, namespaceSchema.optional()),
  labelSelector: z.preprocess(
    blankToUndefined,
    z
      .string()
      .superRefine((v, ctx) => {
        const problem = labelSelectorProblem(v);
        if (problem) ctx.addIssue({ code: "custom", message: problem });
      })
      .optional(),
  ),
  fieldSelector: z.preprocess(
    blankToUndefined,
    z
      .string()
      .superRefine((v, ctx) => {
        const problem = fieldSelectorProblem(v);
        if (problem) ctx.addIssue({ code: "custom", message: problem });
      })
      .optional(),
  ),
  limit: z.preprocess(blankToUndefined, z.coerce.number().int("limit must be a whole number").min(1).max(500).default(100)),
  continue: z.preprocess(blankToUndefined, z.string().max(8192).optional()),
});

export const clusterParamsSchema = z.object({ cluster: clusterIdSchema });
export const podParamsSchema = z.object({ cluster: clusterIdSchema, namespace: namespaceSchema, name: objectNameSchema });
export const nodeParamsSchema = z.object({ cluster: clusterIdSchema, name: objectNameSchema });

/** The pods page's node and phase filters, as the field selector the API server understands. */
export function podFieldSelector(opts: { node?: string; phase?: string; extra?: string }): string | undefined {
  const parts: string[] = [];
  if (opts.node) parts.push(`spec.nodeName=${opts.node}`);
  if (opts.phase) parts.push(`status.phase=${opts.phase}`);
  if (opts.extra) parts.push(opts.extra);
  return parts.length ? parts.join(",") : undefined;
}
