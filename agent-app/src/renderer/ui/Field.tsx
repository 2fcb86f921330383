/** Labelled form controls with their own error line (`field-error`), translated. */
import type { InputHTMLAttributes, ReactNode, SelectHTMLAttributes, TextareaHTMLAttributes } from 'react';
import { useTranslation } from 'react-i18next';

interface Common {
  label: string;
  testId: string;
  /** i18n key of the field's error, if any. */
  errorKey?: string | undefined;
  hint?: string;
}

function FieldError({ errorKey }: { errorKey: string | undefined }) {
  const { t } = useTranslation();
  return errorKey ? (
    <small className="field-error" data-testid="field-error" role="alert">
      {t(errorKey)}
    </small>
  ) : null;
}

export function TextField({
  label,
  testId,
  errorKey,
  hint,
  value,
  onValue,
  ...rest
}: Common & { value: string; onValue: (v: string) => void } & Omit<InputHTMLAttributes<HTMLInputElement>, 'value' | 'onChange'>) {
  return (
    <label className={`field${errorKey ? ' has-error' : ''}`}>
      <span>{label}</span>
      <input data-testid={testId} value={value} aria-invalid={errorKey ? true : undefined} onChange={(e) => onValue(e.target.value)} {...rest} />
      {hint && !errorKey && <small className="muted field-hint">{hint}</small>}
      <FieldError errorKey={errorKey} />
    </label>
  );
}

export function TextAreaField({
  label,
  testId,
  errorKey,
  value,
  onValue,
  ...rest
}: Common & { value: string; onValue: (v: string) => void } & Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, 'value' | 'onChange'>) {
  return (
    <label className={`field${errorKey ? ' has-error' : ''}`}>
      <span>{label}</span>
      <textarea data-testid={testId} value={value} aria-invalid={errorKey ? true : undefined} onChange={(e) => onValue(e.target.value)} {...rest} />
      <FieldError errorKey={errorKey} />
    </label>
  );
}

export function SelectField({
  label,
  testId,
  errorKey,
  children,
  value,
  onValue,
  ...rest
}: Common & { value: string; onValue: (v: string) => void; children: ReactNode } & Omit<SelectHTMLAttributes<HTMLSelectElement>, 'value' | 'onChange'>) {
  return (
    <label className={`field${errorKey ? ' has-error' : ''}`}>
      <span>{label}</span>
      <select data-testid={testId} value={value} onChange={(e) => onValue(e.target.value)} {...rest}>
        {children}
      </select>
      <FieldError errorKey={errorKey} />
    </label>
  );
}
