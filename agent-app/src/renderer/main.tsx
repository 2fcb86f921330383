import { loadRendererConfig } from '@beacon/shared/browser/rendererConfig';
import { createI18n } from '@beacon/shared/i18n';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { I18nextProvider } from 'react-i18next';
import { AGENT_CATALOG } from '../common/i18n.ts';
import { AgentClient } from './AgentClient.ts';
import { App } from './App.tsx';
import { ClientContext } from './ClientContext.ts';
import { initialLocale } from './locale.ts';
import './styles.css';
import './pages.css';

async function boot(): Promise<void> {
  const config = await loadRendererConfig(window.beaconAgent, location, navigator.languages);
  const locale = initialLocale(config.locales);
  const i18n = createI18n(AGENT_CATALOG, locale);
  document.documentElement.lang = locale;
  let storage: Storage | null = null;
  try {
    storage = window.sessionStorage;
  } catch {
    /* storage disabled: no resume after reload */
  }
  const client = new AgentClient(config, storage);
  client.start();
  const root = document.getElementById('root');
  if (!root) throw new Error('index.html has no #root');
  createRoot(root).render(
    <StrictMode>
      <I18nextProvider i18n={i18n}>
        <ClientContext.Provider value={client}>
          <App />
        </ClientContext.Provider>
      </I18nextProvider>
    </StrictMode>,
  );
}

void boot();
