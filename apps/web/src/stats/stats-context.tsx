import { createContext, useContext, type ReactNode } from 'react';
import { StatsRestClient, type StatsApi } from './stats-api';

const StatsApiContext = createContext<StatsApi | null>(null);
let fallback: StatsApi | null = null;

/** Overrides the statistics client below it (tests pass a fake); without a provider the real one is used. */
export function StatsApiProvider({ api, children }: { api: StatsApi; children: ReactNode }) {
  return <StatsApiContext.Provider value={api}>{children}</StatsApiContext.Provider>;
}

export function useStatsApi(): StatsApi {
  const api = useContext(StatsApiContext);
  if (api) return api;
  fallback ??= new StatsRestClient();
  return fallback;
}
