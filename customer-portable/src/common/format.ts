/** `123456789` -> `123 456 789`, the way people read an ID out over the phone. */
export function formatDeviceId(id: string): string {
  return id.replace(/\D/g, '').replace(/(\d{3})(?=\d)/g, '$1 ');
}

/** `CommandOrControl+Alt+Shift+S` -> `Ctrl+Alt+Shift+S` (or `⌘+Alt+Shift+S` on a Mac). */
export function formatAccelerator(accelerator: string, isMac: boolean): string {
  return accelerator.replace('CommandOrControl', isMac ? '⌘' : 'Ctrl');
}
