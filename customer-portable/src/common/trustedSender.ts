/**
 * Whether an IPC call comes from our own renderer page: the main frame of our window,
 * showing our bundled `index.html` from disk. A call from anything else (a subframe, a page
 * the window was somehow navigated to, a remote URL) is refused before its payload is read.
 */
export function isTrustedRendererUrl(frameUrl: string, rendererFileUrl: string): boolean {
  if (!URL.canParse(frameUrl)) return false;
  const actual = new URL(frameUrl);
  const expected = new URL(rendererFileUrl);
  // Query and hash are the page's own business; the file is what identifies it.
  return actual.protocol === 'file:' && actual.host === expected.host && actual.pathname === expected.pathname;
}
