import { createContext, useContext, type ReactNode } from 'react';
import type { ConsoleApi } from './console-client';

const ConsoleApiContext = createContext<ConsoleApi | null>(null);

/** Makes the console's API client available to the console pages (tests pass a fake). */
export function ConsoleApiProvider({ api, children }: { api: ConsoleApi | undefined; children: ReactNode }) {
  return <ConsoleApiContext.Provider value={api ?? null}>{children}</ConsoleApiContext.Provider>;
}

/** The console API client of the nearest ConsoleApiProvider. */
export function useConsoleApi(): ConsoleApi {
  const api = useContext(ConsoleApiContext);
  if (!api) throw new Error('useConsoleApi() needs a <ConsoleApiProvider> above it');
  return api;
}
