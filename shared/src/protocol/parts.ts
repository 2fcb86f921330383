import { z } from 'zod';
import { SessionMode, SessionPermissions } from './core.ts';

/** Helpers the protocol's modules share; not part of the public protocol (protocol.ts does not re-export them). */

/** The one rule tying the two together: a voice session views nothing, a screen session views. */
export const isModeConsistent = (m: { mode?: SessionMode | undefined; permissions: SessionPermissions }): boolean =>
  (m.mode === 'voice') === !m.permissions.view;
export const MODE_MISMATCH = { message: 'mode voice goes with permissions {view:false, control:false}; screen with view:true', path: ['permissions'] };

/** The `type` literals of a discriminated union's members (nested unions included). */
export function typesOf(union: { readonly options: readonly unknown[] }): ReadonlySet<string> {
  const out = new Set<string>();
  for (const o of union.options) {
    if (o instanceof z.ZodDiscriminatedUnion) for (const t of typesOf(o)) out.add(t);
    else if (o instanceof z.ZodObject && o.shape['type'] instanceof z.ZodLiteral) out.add(String(o.shape['type'].value));
  }
  return out;
}

/** A type guard for one named sub-union, usable on any message union that contains it. */
export function guardOf<T extends string>(union: { readonly options: readonly unknown[] }) {
  const types = typesOf(union);
  return <M extends { type: string }>(msg: M): msg is Extract<M, { type: T }> => types.has(msg.type);
}

/** A type guard for one part's messages, both directions (its client -> relay and relay -> client unions). */
export function ctlGuard<T extends string>(toRelay: { readonly options: readonly unknown[] }, fromRelay: { readonly options: readonly unknown[] }) {
  const types = new Set([...typesOf(toRelay), ...typesOf(fromRelay)]);
  return <M extends { type: string }>(msg: M): msg is Extract<M, { type: T }> => types.has(msg.type);
}

export const Sdp = z.string().min(1).max(64 * 1024);
export const Candidate = z.object({ candidate: z.string().max(2048), mid: z.string().max(64) });
export const Name = z.string().min(1).max(120);
