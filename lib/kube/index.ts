import "server-only";

export { kubeApis, kubeContexts, hasKubeContext, patchOptions, PatchStrategy, IN_CLUSTER_CONTEXT } from "./clients";
export type { KubeApis } from "./clients";
export { kubeError, kubeHttpError, isNotFound } from "./errors";
export type { KubeErrorInfo } from "./errors";
export { withRetry, isTransient, statusOf, systemCodeOf } from "./retry";
export type { RetryOptions } from "./retry";
