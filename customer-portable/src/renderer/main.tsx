import { createRoot } from 'react-dom/client';
import { I18nextProvider } from 'react-i18next';
import { loadRendererConfig } from '@beacon/shared/browser/rendererConfig';
import { createI18n, detectLocale } from '@beacon/shared/i18n';
import { CUSTOMER_CATALOG } from '../common/i18n.ts';
import { App } from './App.tsx';
import { CustomerClient } from './CustomerClient.ts';

async function boot(): Promise<void> {
  const bridge = window.beaconCustomer;
  const config = await loadRendererConfig(bridge, location, navigator.languages);
  const i18n = createI18n(CUSTOMER_CATALOG, detectLocale(config.locales.length ? config.locales : navigator.languages));
  const client = new CustomerClient(config, bridge);
  const root = document.getElementById('root');
  if (!root) throw new Error('missing #root');
  createRoot(root).render(
    <I18nextProvider i18n={i18n}>
      <App client={client} isElectron={bridge !== undefined} />
    </I18nextProvider>,
  );
  window.addEventListener('pagehide', () => client.close());
  client.start();
}

void boot();
