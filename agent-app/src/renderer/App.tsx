import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { useSnapshot } from './ClientContext.ts';
import { ConsoleView } from './ConsoleView.tsx';
import { LoginView } from './LoginView.tsx';

export function App() {
  const { t, i18n } = useTranslation();
  const snap = useSnapshot();
  useEffect(() => {
    document.title = `${t('app.name')} · ${t('app.title')}`;
  }, [t, i18n.language]);
  return snap.phase === 'console' ? <ConsoleView /> : <LoginView />;
}
