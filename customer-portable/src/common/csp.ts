/**
 * The renderer's Content Security Policy. index.html carries the same text in a meta tag
 * (a test keeps the two equal); the Electron shell also sends it as a header.
 */
export const RENDERER_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self' ws: wss: http: https:; object-src 'none'; base-uri 'none'";
