/**
 * Browser-side helpers for calling /api/v1 (no server-only: client components import this).
 * `fetchJson` throws ApiError with the server's safe message and status; the QueryClient in
 * components/providers.tsx never retries 401/403 and retries anything else at most twice.
 */
import { queryOptions } from "@tanstack/react-query";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly fieldErrors?: Record<string, string[]>,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

export async function fetchJson<T>(input: string, init: RequestInit = {}): Promise<T> {
  const res = await fetch(input, {
    ...init,
    headers: { accept: "application/json", ...(init.body ? { "content-type": "application/json" } : {}), ...init.headers },
    credentials: "same-origin",
  });
  if (res.status === 204) return undefined as T;
  const body = (await res.json().catch(() => undefined)) as { error?: { message?: string; fieldErrors?: Record<string, string[]> } } | undefined;
  if (!res.ok) {
    throw new ApiError(res.status, body?.error?.message ?? `Request failed (${res.status})`, body?.error?.fieldErrors);
  }
  return body as T;
}

/** Retry policy shared by every query: never on 401/403/404/400, at most twice otherwise. */
export function shouldRetry(failureCount: number, error: unknown): boolean {
  if (error instanceof ApiError && error.status >= 400 && error.status < 500 && error.status !== 408 && error.status !== 429) {
    return false;
  }
  return failureCount < 2;
}

/**
 * The query-key-factory habit: one function per query returns its key and fetcher together,
 * e.g. `export const podQueries = { list: (c: string, ns: string) => apiQuery<PodList>(["pods", c, ns], `/api/v1/clusters/${c}/namespaces/${ns}/pods`) }`
 * and `useQuery(podQueries.list(c, ns))`.
 */
export function apiQuery<T>(queryKey: readonly unknown[], url: string) {
  return queryOptions({
    queryKey,
    queryFn: ({ signal }) => fetchJson<T>(url, { signal }),
  });
}
