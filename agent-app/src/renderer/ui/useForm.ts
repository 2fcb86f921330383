/**
 * The state every back-office form keeps: the values as typed, the error of each field, the
 * form's own error (the relay's refusal), whether it is sending and whether it was saved.
 * `submit` checks the values first (nothing leaves with a bad field), then sends them once
 * at a time; `bind` wires a text field to its value and its error.
 */
import { useCallback, useState, type FormEvent } from 'react';
import type { Checked, FieldErrors } from '../../common/forms.ts';
import { apiErrorKey } from '../ApiClient.ts';

/** The fields of F that hold free text (not a narrower union such as a role). */
type TextKey<F> = { [P in keyof F]: string extends F[P] ? (F[P] extends string ? P : never) : never }[keyof F];

export interface FormSubmit<F, K extends string, V> {
  check: (form: F) => Checked<V, K>;
  send: (value: V) => Promise<void>;
  /** Which i18n key the relay's error codes show as (see apiErrorKey). */
  errorOverrides?: Parameters<typeof apiErrorKey>[1];
  /** After the check found bad fields (they are already marked). */
  onInvalid?: (errors: FieldErrors<K>) => void;
  /** After the relay refused or could not be reached (the form's error is already set). */
  onFailed?: () => void;
}

export function useForm<F extends object, K extends string = Extract<keyof F, string>>(initial: F | (() => F)) {
  const [form, setForm] = useState<F>(initial);
  const [errors, setErrors] = useState<FieldErrors<K>>({});
  const [errorKey, setErrorKey] = useState<string | null>(null);
  const [isBusy, setIsBusy] = useState(false);
  const [isSaved, setIsSaved] = useState(false);

  const set =
    <P extends keyof F>(k: P) =>
    (v: F[P]) => {
      setIsSaved(false);
      setForm((f) => ({ ...f, [k]: v }));
    };

  const bind = <P extends TextKey<F>>(k: P) => ({
    value: form[k] as string,
    onValue: set(k) as (v: string) => void,
    errorKey: (errors as Partial<Record<PropertyKey, string>>)[k],
  });

  /** Takes new values from outside (the saved record came back) without touching the rest. */
  const reset = useCallback((f: F) => setForm(f), []);

  const submit =
    <V>({ check, send, errorOverrides, onInvalid, onFailed }: FormSubmit<F, K, V>) =>
    async (e: FormEvent) => {
      e.preventDefault();
      if (isBusy) return;
      const checked = check(form);
      if (!checked.ok) {
        setErrors(checked.errors);
        onInvalid?.(checked.errors);
        return;
      }
      setErrors({});
      setErrorKey(null);
      setIsBusy(true);
      try {
        await send(checked.value);
        setIsSaved(true);
      } catch (err) {
        setErrorKey(apiErrorKey(err, errorOverrides));
        onFailed?.();
      } finally {
        setIsBusy(false);
      }
    };

  return { form, errors, errorKey, setErrorKey, isBusy, isSaved, set, bind, reset, submit };
}
