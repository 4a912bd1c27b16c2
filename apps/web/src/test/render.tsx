import { render } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import type { ViewerApi } from '../api/client';
import { AppProviders, AppRoutes } from '../app';
import { createI18n, type Language } from '../i18n/i18n';

/** Renders the whole app at `path` with a fake API, as a browser would after navigation. */
export function renderApp(path: string, api: ViewerApi, language: Language = 'en') {
  const i18n = createI18n(language);
  const result = render(
    <AppProviders api={api} i18n={i18n}>
      <MemoryRouter initialEntries={[path]}>
        <AppRoutes />
      </MemoryRouter>
    </AppProviders>,
  );
  return { ...result, i18n };
}
