import type { i18n as I18n } from 'i18next';
import { lazy, Suspense, type ReactNode } from 'react';
import { I18nextProvider } from 'react-i18next';
import { Route, Routes } from 'react-router';
import { ApiProvider } from './api/api-context';
import type { ViewerApi } from './api/client';
import { Layout } from './components/layout';
import { HomePage } from './pages/home-page';
import { ConsolePage, NotFoundPage } from './pages/simple-pages';

// The player page pulls in hls.js (~500 kB); load it only when someone opens a channel.
const ChannelPage = lazy(() => import('./pages/channel-page').then((module) => ({ default: module.ChannelPage })));

/** Everything a page needs from above: translations and the API client. */
export function AppProviders({ api, i18n, children }: { api: ViewerApi; i18n: I18n; children: ReactNode }) {
  return (
    <I18nextProvider i18n={i18n}>
      <ApiProvider api={api}>{children}</ApiProvider>
    </I18nextProvider>
  );
}

/** The route table; the caller picks the router (BrowserRouter in the app, MemoryRouter in tests). */
export function AppRoutes() {
  return (
    <Routes>
      <Route element={<Layout />}>
        <Route index element={<HomePage />} />
        <Route
          path="c/:slug"
          element={
            <Suspense fallback={<div className="stage stage--placeholder" />}>
              <ChannelPage />
            </Suspense>
          }
        />
        <Route path="console" element={<ConsolePage />} />
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  );
}
