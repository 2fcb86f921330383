/**
 * What the agent types in the connect form, turned into protocol values. Agents copy IDs
 * from chat ("123 456 789") and codes read out over the phone, so spacing and case are
 * forgiven; anything else is refused here with a message instead of a relay round trip.
 */
import { AccessCode, DeviceId } from '@beacon/shared/protocol';

export type ConnectInput =
  | { ok: true; deviceId: string; code: string }
  | { ok: false; errorKey: 'connect.invalid-id' | 'connect.invalid-code' };

export function parseConnectInput(rawId: string, rawCode: string): ConnectInput {
  const id = DeviceId.safeParse(rawId.replace(/[\s-]+/g, ''));
  if (!id.success) return { ok: false, errorKey: 'connect.invalid-id' };
  const code = AccessCode.safeParse(rawCode.replace(/\s+/g, ''));
  if (!code.success) return { ok: false, errorKey: 'connect.invalid-code' };
  return { ok: true, deviceId: id.data, code: code.data };
}

/** Shows a 9-digit ID the way the customer sees it: `123 456 789`. */
export function formatDeviceId(deviceId: string): string {
  return /^\d{9}$/.test(deviceId) ? deviceId.replace(/(\d{3})(\d{3})(\d{3})/, '$1 $2 $3') : deviceId;
}
