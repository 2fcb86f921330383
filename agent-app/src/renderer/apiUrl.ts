/** Joins the relay base URL and an API path, keeping any path prefix the relay is mounted at. */
export function apiUrl(relayUrl: string, path: string): string {
  return `${relayUrl.replace(/\/+$/, '')}${path}`;
}
