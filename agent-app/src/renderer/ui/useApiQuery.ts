/**
 * Loads something from the relay API for a screen: data, a translated error, a loading
 * flag and `reload`. Answers to superseded requests (the filters changed meanwhile) are
 * dropped, so a slow old page never replaces a newer one.
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

export function useApiQuery<T>(
  load: (api: ApiClient) => Promise<T>,
  deps: readonly unknown[],
  opts: { pollMs?: number; errorOverrides?: Parameters<typeof apiErrorKey>[1]; isEnabled?: boolean } = {},
): ApiQuery<T> {
  const client = useClient();
  const [data, setData] = useState<T | null>(null);
  const [errorKey, setErrorKey] = useState<string | null>(null);
  const [isLoading, setIsLoading] = useState(true);
  const [tick, setTick] = useState(0);
  const seq = useRef(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  const overridesRef = useRef(opts.errorOverrides);
  overridesRef.current = opts.errorOverrides;
  const isEnabled = opts.isEnabled ?? true;

  useEffect(() => {
    if (!isEnabled) {
      setIsLoading(false);
      return;
    }
    const mine = ++seq.current;
    setIsLoading(true);
    loadRef.current(client.api).then(
      (value) => {
        if (mine !== seq.current) return;
        setData(value);
        setErrorKey(null);
        setIsLoading(false);
      },
      (err: unknown) => {
        if (mine !== seq.current) return;
        setErrorKey(apiErrorKey(err, overridesRef.current));
        setIsLoading(false);
      },
    );
    // `load` itself is read through a ref: the caller lists what it depends on in `deps`.
  }, [client, tick, isEnabled, ...deps]);

  useEffect(() => {
    if (!opts.pollMs || !isEnabled) return;
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') setTick((n) => n + 1);
    }, opts.pollMs);
    return () => clearInterval(timer);
  }, [opts.pollMs, isEnabled]);

  const reload = useCallback(() => setTick((n) => n + 1), []);
  return { data, errorKey, isLoading, reload };
}
