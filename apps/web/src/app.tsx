import type { i18n as I18n } from 'i18next';
import { lazy, Suspense, type ReactNode } from 'react';
import { I18nextProvider } from 'react-i18next';
import { Route, Routes } from 'react-router';
import { ApiProvider } from './api/api-context';
import type { ViewerApi } from './api/client';
import type { ConsoleApi } from './api/console-client';
import { ConsoleApiProvider } from './api/console-context';
import { Layout } from './components/layout';
import { HomePage } from './pages/home-page';
import { NotFoundPage } from './pages/simple-pages';
import { ChannelDetailPage } from './console/channel-detail-page';
import { ChannelEditPage, ChannelNewPage } from './console/channel-edit-page';
import { ChannelListPage } from './console/channel-list-page';
import { ConsoleLayout } from './console/console-layout';
import { DeliveriesPage } from './console/deliveries-page';
import { SessionsPage } from './console/sessions-page';
import { SignInPage } from './console/sign-in-page';
import { TokensPage } from './console/tokens-page';
import { VodsPage } from './console/vods-page';
import { WebhooksPage } from './console/webhooks-page';
import { AccountPage } from './console/account-page';
import { AuditPage } from './console/audit-page';
import { AcceptInvitationPage, ResetPasswordPage } from './console/link-pages';
import { PeoplePage } from './console/people-page';
import { PersonPage } from './console/person-page';

// The player page pulls in hls.js (~500 kB); load it only when someone opens a channel.
const ChannelPage = lazy(() => import('./pages/channel-page').then((module) => ({ default: module.ChannelPage })));
const VodPage = lazy(() => import('./vods/vod-page').then((module) => ({ default: module.VodPage })));
const EmbedChannelPage = lazy(() => import('./pages/embed-pages').then((module) => ({ default: module.EmbedChannelPage })));
const ClipPage = lazy(() => import('./clips/clip-page').then((module) => ({ default: module.ClipPage })));
const EmbedClipPage = lazy(() => import('./pages/embed-pages').then((module) => ({ default: module.EmbedClipPage })));
const EmbedVodPage = lazy(() => import('./pages/embed-pages').then((module) => ({ default: module.EmbedVodPage })));
// The statistics pages bring the chart library; load it only when someone opens them.
const StatsSessionPage = lazy(() => import('./console/stats-session-page').then((module) => ({ default: module.StatsSessionPage })));
const StatsVodPage = lazy(() => import('./console/stats-vod-page').then((module) => ({ default: module.StatsVodPage })));
// The chat dashboard brings socket.io-client; only moderators need it.
const CommercePage = lazy(() => import('./console/commerce-page').then((module) => ({ default: module.CommercePage })));
const ChatDashboardPage = lazy(() => import('./console/chat-dashboard-page').then((module) => ({ default: module.ChatDashboardPage })));

/** Everything a page needs from above: translations and the API clients (the console's is optional). */
export function AppProviders({ api, consoleApi, i18n, children }: { api: ViewerApi; consoleApi?: ConsoleApi; i18n: I18n; children: ReactNode }) {
  return (
    <I18nextProvider i18n={i18n}>
      <ApiProvider api={api}>
        <ConsoleApiProvider api={consoleApi}>{children}</ConsoleApiProvider>
      </ApiProvider>
    </I18nextProvider>
  );
}

/** The route table; the caller picks the router (BrowserRouter in the app, MemoryRouter in tests). */
export function AppRoutes() {
  return (
    <Routes>
      {/* Player-only pages for other sites' iframes: no header, no navigation. */}
      <Route
        path="embed/c/:slug"
        element={
          <Suspense fallback={null}>
            <EmbedChannelPage />
          </Suspense>
        }
      />
      <Route
        path="embed/v/:id"
        element={
          <Suspense fallback={null}>
            <EmbedVodPage />
          </Suspense>
        }
      />
      <Route
        path="embed/clip/:id"
        element={
          <Suspense fallback={null}>
            <EmbedClipPage />
          </Suspense>
        }
      />
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
        <Route
          path="v/:id"
          element={
            <Suspense fallback={<div className="stage stage--placeholder" />}>
              <VodPage />
            </Suspense>
          }
        />
        <Route
          path="clip/:id"
          element={
            <Suspense fallback={<div className="stage stage--placeholder" />}>
              <ClipPage />
            </Suspense>
          }
        />
        <Route path="console/sign-in" element={<SignInPage />} />
        <Route path="console/accept" element={<AcceptInvitationPage />} />
        <Route path="console/reset" element={<ResetPasswordPage />} />
        {/* Everything under ConsoleLayout needs a signed-in session (401 redirects to sign-in). */}
        <Route path="console" element={<ConsoleLayout />}>
          <Route index element={<ChannelListPage />} />
          <Route path="channels/new" element={<ChannelNewPage />} />
          <Route path="channels/:slug" element={<ChannelDetailPage />} />
          <Route path="channels/:slug/edit" element={<ChannelEditPage />} />
          <Route
            path="channels/:slug/chat"
            element={
              <Suspense fallback={<div className="spinner console-spinner" />}>
                <ChatDashboardPage />
              </Suspense>
            }
          />
          <Route
            path="channels/:slug/commerce"
            element={
              <Suspense fallback={<div className="spinner console-spinner" />}>
                <CommercePage />
              </Suspense>
            }
          />
          <Route path="sessions" element={<SessionsPage />} />
          <Route
            path="sessions/:id/stats"
            element={
              <Suspense fallback={<div className="spinner console-spinner" />}>
                <StatsSessionPage />
              </Suspense>
            }
          />
          <Route
            path="vods/:id/stats"
            element={
              <Suspense fallback={<div className="spinner console-spinner" />}>
                <StatsVodPage />
              </Suspense>
            }
          />
          <Route path="vods" element={<VodsPage />} />
          <Route path="tokens" element={<TokensPage />} />
          <Route path="webhooks" element={<WebhooksPage />} />
          <Route path="webhooks/:id" element={<DeliveriesPage />} />
          <Route path="people" element={<PeoplePage />} />
          <Route path="people/:id" element={<PersonPage />} />
          <Route path="audit" element={<AuditPage />} />
          <Route path="account" element={<AccountPage />} />
        </Route>
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  );
}
