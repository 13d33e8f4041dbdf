"use client";

import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";
import { z } from "zod";
import { shouldRetry } from "@/lib/http/fetch-json";

// zod would otherwise probe for eval (`Function("")`) on its first parse in the browser; the
// Content-Security-Policy forbids eval, and the probe alone files a violation report.
z.config({ jitless: true });

/**
 * Client-side providers. Queries are defined with a key factory that returns key and fetcher
 * together (see `apiQuery` in lib/http/fetch-json.ts); 401/403 are never retried and other
 * failures at most twice.
 */
function makeQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: { retry: shouldRetry, staleTime: 10_000, refetchOnWindowFocus: false },
      mutations: { retry: false },
    },
  });
}

export function Providers({ children }: { children: ReactNode }) {
  const [client] = useState(makeQueryClient);
  return <QueryClientProvider client={client}>{children}</QueryClientProvider>;
}
