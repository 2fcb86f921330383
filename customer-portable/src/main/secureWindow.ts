/** The locked-down web preferences every customer window uses: sandboxed, isolated, no Node, our preload only. */
export function secureWebPreferences(preloadPath: string) {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    webSecurity: true,
    spellcheck: false,
  } as const;
}
