/** What the console does to be noticed while it is in the background, and what the sign-in screen says after a sign-out. */

/** What the login screen says when the relay signed this seat out for `reason` (null: the generic message). */
export function signedOutKey(reason: string | null): string | null {
  return reason === 'password-changed' || reason === 'disabled' || reason === 'deleted' ? `account.signedOut.${reason}` : null;
}

/** A short tone and a system notification when a customer writes or calls while the console is in the background. */
export function notifyInBackground(title: string): void {
  if (typeof document === 'undefined' || !document.hidden) return;
  notify(title);
}

/** The same tone and system notification, in the background or not (a service desk offer waits for an answer). */
export function notify(title: string): void {
  try {
    const ctx = new AudioContext();
    const osc = ctx.createOscillator();
    osc.frequency.value = 880;
    osc.connect(ctx.destination);
    osc.start();
    osc.stop(ctx.currentTime + 0.15);
    osc.onended = () => void ctx.close();
  } catch {
    /* no audio device */
  }
  if (typeof Notification !== 'undefined') {
    if (Notification.permission === 'granted') new Notification(title);
    else if (Notification.permission === 'default') void Notification.requestPermission();
  }
}
