import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import { ConsoleClient } from './api/console-client';
import { AppProviders, AppRoutes } from './app';
import { browserLanguage, createI18n, persistLanguage } from './i18n/i18n';
import './styles.css';

// One client serves both the viewer pages and the console (it extends the viewer client).
const api = new ConsoleClient();
const i18n = createI18n(browserLanguage());
persistLanguage(i18n);

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

createRoot(root).render(
  <StrictMode>
    <AppProviders api={api} consoleApi={api} i18n={i18n}>
      <BrowserRouter>
        <AppRoutes />
      </BrowserRouter>
    </AppProviders>
  </StrictMode>,
);
