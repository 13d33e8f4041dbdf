import "server-only";

export { computeClients, containerClient, endpointOptions, storageClient, storageOptions } from "./clients";
export type { ComputeClients, GoogleClientOptions } from "./clients";
export { gcpError, gcpHttpError } from "./errors";
export type { GcpErrorInfo } from "./errors";
