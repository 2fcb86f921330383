/**
 * Keeps the sign-in for this tab in sessionStorage, so a reload stays signed in while closing
 * the tab (or the app) signs out. Storage is outside data: it is parsed like any other input.
 */
import { parseJson } from '@beacon/shared/parse';
import { LoginResponse } from '@beacon/shared/protocol';

const STORAGE_KEY = 'beacon.agent.signin';

export class TokenStore {
  constructor(private readonly storage: Storage | null) {}

  load(now = Date.now()): LoginResponse | null {
    const raw = this.read();
    if (raw === null) return null;
    const r = parseJson(LoginResponse, raw, 'stored sign-in');
    if (!r.ok || r.value.expiresAt <= now) {
      this.clear();
      return null;
    }
    return r.value;
  }

  save(signIn: LoginResponse): void {
    try {
      this.storage?.setItem(STORAGE_KEY, JSON.stringify(signIn));
    } catch {
      /* storage full or disabled: the session just will not survive a reload */
    }
  }

  clear(): void {
    try {
      this.storage?.removeItem(STORAGE_KEY);
    } catch {
      /* disabled storage */
    }
  }

  private read(): string | null {
    try {
      return this.storage?.getItem(STORAGE_KEY) ?? null;
    } catch {
      return null;
    }
  }
}
