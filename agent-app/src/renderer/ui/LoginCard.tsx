/** The centred card of the sign-in and first-run pages: language switch, brand, then the form. */
import type { FormEvent, ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { LanguageSwitch } from '../LanguageSwitch.tsx';

export function LoginCard({
  title,
  className,
  isBusy,
  noValidate,
  onSubmit,
  children,
}: {
  /** Under the product name: which console, or the setup. */
  title: string;
  className?: string;
  isBusy: boolean;
  noValidate?: boolean;
  onSubmit: (e: FormEvent) => void;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  return (
    <div className="login-page">
      <div className="login-corner">
        <LanguageSwitch />
      </div>
      <form className={className ? `login-card ${className}` : 'login-card'} onSubmit={onSubmit} aria-busy={isBusy} noValidate={noValidate}>
        <div className="brand brand-large">
          <span className="brand-mark" aria-hidden="true" />
          <span className="brand-name">{t('app.name')}</span>
          <span className="brand-title">{title}</span>
        </div>
        {children}
      </form>
    </div>
  );
}
