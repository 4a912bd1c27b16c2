import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import { ApiClient } from './api/client';
import { AppProviders, AppRoutes } from './app';
import { browserLanguage, createI18n, persistLanguage } from './i18n/i18n';
import './styles.css';

const i18n = createI18n(browserLanguage());
persistLanguage(i18n);

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

createRoot(root).render(
  <StrictMode>
    <AppProviders api={new ApiClient()} i18n={i18n}>
      <BrowserRouter>
        <AppRoutes />
      </BrowserRouter>
    </AppProviders>
  </StrictMode>,
);
