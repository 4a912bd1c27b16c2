import { createContext, useContext, type ReactNode } from 'react';
import type { ViewerApi } from './client';

const ApiContext = createContext<ViewerApi | null>(null);

/** Makes one API client available to every page (tests pass a fake). */
export function ApiProvider({ api, children }: { api: ViewerApi; children: ReactNode }) {
  return <ApiContext.Provider value={api}>{children}</ApiContext.Provider>;
}

/** The API client of the nearest ApiProvider. */
export function useApi(): ViewerApi {
  const api = useContext(ApiContext);
  if (!api) throw new Error('useApi() needs an <ApiProvider> above it');
  return api;
}
