/**
 * Loads something from the relay API for a screen: data, a translated error, a loading
 * flag and `reload`. Answers to superseded requests (the filters changed meanwhile) are
 * dropped, so a slow old page never replaces a newer one, and `isLoading` is true from the
 * very render in which the request changed (the data shown is the previous request's until
 * the new answer arrives).
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ApiClient } from '../ApiClient.ts';
import { apiErrorKey } from '../ApiClient.ts';
import { useClient } from '../ClientContext.ts';

export interface ApiQuery<T> {
  data: T | null;
  errorKey: string | null;
  isLoading: boolean;
  reload: () => void;
}

interface Answer<T> {
  /** The request this answer belongs to. */
  key: string;
  data: T | null;
  errorKey: string | null;
}

export function useApiQuery<T>(
  load: (api: ApiClient) => Promise<T>,
  /** What the load depends on: primitives only (they form the request's key). */
  deps: readonly (string | number | boolean | null | undefined)[],
  opts: { pollMs?: number; errorOverrides?: Parameters<typeof apiErrorKey>[1]; isEnabled?: boolean } = {},
): ApiQuery<T> {
  const client = useClient();
  const [tick, setTick] = useState(0);
  const [answer, setAnswer] = useState<Answer<T>>({ key: '', data: null, errorKey: null });
  const loadRef = useRef(load);
  loadRef.current = load;
  const overridesRef = useRef(opts.errorOverrides);
  overridesRef.current = opts.errorOverrides;
  const isEnabled = opts.isEnabled ?? true;
  const key = JSON.stringify([tick, ...deps]);

  useEffect(() => {
    if (!isEnabled) return;
    let isCurrent = true;
    loadRef.current(client.api).then(
      (data) => isCurrent && setAnswer({ key, data, errorKey: null }),
      (err: unknown) => isCurrent && setAnswer((a) => ({ key, data: a.data, errorKey: apiErrorKey(err, overridesRef.current) })),
    );
    return () => {
      isCurrent = false;
    };
  }, [client, key, isEnabled]);

  useEffect(() => {
    if (!opts.pollMs || !isEnabled) return;
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') setTick((n) => n + 1);
    }, opts.pollMs);
    return () => clearInterval(timer);
  }, [opts.pollMs, isEnabled]);

  const reload = useCallback(() => setTick((n) => n + 1), []);
  return { data: answer.data, errorKey: answer.errorKey, isLoading: isEnabled && answer.key !== key, reload };
}
