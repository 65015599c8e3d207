"use client";

import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";
import { refetchWhileStoreDown, retryDelayOf, retryUnlessClientError } from "@/components/data/fetch-json";

export function Providers({ children }: { children: ReactNode }) {
  const [client] = useState(
    () =>
      new QueryClient({
        defaultOptions: {
          queries: {
            staleTime: 2_000,
            retry: retryUnlessClientError,
            retryDelay: retryDelayOf,
            // A query's own interval wins; this one only keeps a query with none asking while the store is down.
            refetchInterval: (query) => refetchWhileStoreDown(query.state.error),
            refetchOnWindowFocus: true,
          },
        },
      }),
  );
  return <QueryClientProvider client={client}>{children}</QueryClientProvider>;
}
