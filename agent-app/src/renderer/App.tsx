import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { useSnapshot } from './ClientContext.ts';
import { ConsoleView } from './ConsoleView.tsx';
import { LoginView } from './LoginView.tsx';
import { SetupView } from './SetupView.tsx';
import { useRoute } from './ui/useRoute.ts';

export function App() {
  const { t, i18n } = useTranslation();
  const snap = useSnapshot();
  const route = useRoute();
  useEffect(() => {
    document.title = `${t('app.name')} · ${t('app.title')}`;
  }, [t, i18n.language]);
  // Setup needs no sign-in; every other page does, and opens once signed in.
  if (route.name === 'setup') return <SetupView token={route.token} />;
  return snap.phase === 'console' ? <ConsoleView route={route} /> : <LoginView />;
}
