/**
 * Labelled form controls with their own hint and error line (`field-error`), translated.
 * Every page builds its fields from these, so a label, its control, the hint and the error
 * look and read the same everywhere (the label wraps the control: that is its accessible name).
 */
import type { ChangeEvent, InputHTMLAttributes, ReactNode, SelectHTMLAttributes, TextareaHTMLAttributes } from 'react';
import { useTranslation } from 'react-i18next';

interface Common {
  label: string;
  testId: string;
  /** i18n key of the field's error, if any. */
  errorKey?: string | undefined;
  /** Shown under the control while there is no error. */
  hint?: string | undefined;
}

type Valued = { value: string; onValue: (v: string) => void };

export function FieldError({ errorKey }: { errorKey: string | undefined }) {
  const { t } = useTranslation();
  return errorKey ? (
    <small className="field-error" data-testid="field-error" role="alert">
      {t(errorKey)}
    </small>
  ) : null;
}

/** The frame all the fields share: label text, the control, then the hint or the error. */
function FieldFrame({ label, errorKey, hint, children }: Omit<Common, 'testId'> & { children: ReactNode }) {
  return (
    <label className={`field${errorKey ? ' has-error' : ''}`}>
      <span>{label}</span>
      {children}
      {hint && !errorKey && <small className="muted field-hint">{hint}</small>}
      <FieldError errorKey={errorKey} />
    </label>
  );
}

/** What a text control gets from its field: test id, value, change handler, invalid state. */
function controlProps({ testId, errorKey, value, onValue }: Pick<Common, 'testId' | 'errorKey'> & Valued) {
  return {
    'data-testid': testId,
    value,
    'aria-invalid': errorKey ? true : undefined,
    onChange: (e: ChangeEvent<HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement>) => onValue(e.target.value),
  };
}

export function TextField({ label, testId, errorKey, hint, value, onValue, ...rest }: Common & Valued & Omit<InputHTMLAttributes<HTMLInputElement>, 'value' | 'onChange'>) {
  return (
    <FieldFrame label={label} errorKey={errorKey} hint={hint}>
      <input {...controlProps({ testId, errorKey, value, onValue })} {...rest} />
    </FieldFrame>
  );
}

export function TextAreaField({ label, testId, errorKey, hint, value, onValue, ...rest }: Common & Valued & Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, 'value' | 'onChange'>) {
  return (
    <FieldFrame label={label} errorKey={errorKey} hint={hint}>
      <textarea {...controlProps({ testId, errorKey, value, onValue })} {...rest} />
    </FieldFrame>
  );
}

export function SelectField({
  label,
  testId,
  errorKey,
  hint,
  value,
  onValue,
  children,
  ...rest
}: Common & Valued & { children: ReactNode } & Omit<SelectHTMLAttributes<HTMLSelectElement>, 'value' | 'onChange'>) {
  return (
    <FieldFrame label={label} errorKey={errorKey} hint={hint}>
      <select {...controlProps({ testId, errorKey, value, onValue })} {...rest}>
        {children}
      </select>
    </FieldFrame>
  );
}

/**
 * A checkbox with its label (and a hint under it) to the right. `inline` sits in a row of
 * checkboxes; `field` lines up with the text fields of a form grid. A disabled one is dimmed.
 */
export function CheckboxField({
  label,
  testId,
  hint,
  checked,
  onChecked,
  variant,
  disabled,
  ...rest
}: Omit<Common, 'errorKey'> & {
  checked: boolean;
  onChecked: (isChecked: boolean) => void;
  variant?: 'inline' | 'field';
} & Omit<InputHTMLAttributes<HTMLInputElement>, 'type' | 'checked' | 'onChange'>) {
  const className = ['checkbox', variant && `checkbox-${variant}`, disabled && 'is-disabled'].filter(Boolean).join(' ');
  return (
    <label className={className}>
      <input type="checkbox" data-testid={testId} checked={checked} disabled={disabled} onChange={(e) => onChecked(e.target.checked)} {...rest} />
      <span>
        {label}
        {hint && <small className="muted">{hint}</small>}
      </span>
    </label>
  );
}

/** "✓ Saved" beside a form's buttons, announced once the relay took the change. */
export function SavedNote({ testId }: { testId: string }) {
  const { t } = useTranslation();
  return (
    <span className="saved-note" data-testid={testId} role="status">
      ✓ {t('common.saved')}
    </span>
  );
}
