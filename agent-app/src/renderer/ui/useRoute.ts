/** The hash route as React state, and navigation that keeps the back button meaningful. */
import { useMemo, useSyncExternalStore } from 'react';
import { parseRoute, routeHash, type Route } from '../../common/routes.ts';

function subscribe(onChange: () => void): () => void {
  window.addEventListener('hashchange', onChange);
  return () => window.removeEventListener('hashchange', onChange);
}

const readHash = () => window.location.hash;

export function useRoute(): Route {
  const hash = useSyncExternalStore(subscribe, readHash);
  return useMemo(() => parseRoute(hash), [hash]);
}

/** `replace` swaps the current entry: for filter changes and for dropping a used setup token. */
export function navigate(to: Route | string, replace = false): void {
  const hash = typeof to === 'string' ? to : routeHash(to);
  if (hash === window.location.hash) return;
  if (replace) {
    history.replaceState(history.state, '', `${location.pathname}${location.search}${hash}`);
    // replaceState fires no hashchange: tell the subscribers ourselves.
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  } else {
    window.location.hash = hash;
  }
}
