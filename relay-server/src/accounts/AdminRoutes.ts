/** Organisation settings (owners and admins change them, managers read) and the audit log. */
import { AuditQuery, UpdateSettingsRequest, type OrgSettings } from '@beacon/shared/api';
import { ProtocolError } from '@beacon/shared/errors';
import { ok, readJson, readQuery } from '../platform/route.ts';
import type { AuditLog } from './AuditLog.ts';
import type { Organisation } from './Organisation.ts';
import { demand, type ApiRoute } from './Policy.ts';

export interface AdminRouteDeps {
  organisation: Organisation;
  audit: AuditLog;
}

export function adminRoutes(d: AdminRouteDeps): ApiRoute[] {
  const current = (): OrgSettings => {
    const s = d.organisation.settings;
    if (!s) throw new ProtocolError('not-found', 'the organisation is not set up yet; open the setup link the relay printed');
    return s;
  };
  return [
    {
      method: 'GET',
      path: /^\/api\/settings$/,
      handle: async (c) => {
        demand(c.actor, 'settings.read', null);
        return ok(current());
      },
    },
    {
      method: 'PATCH',
      path: /^\/api\/settings$/,
      handle: async (c) => {
        demand(c.actor, 'settings.write', null);
        current();
        const body = await readJson(c, UpdateSettingsRequest);
        const { before, after } = await d.organisation.update(body);
        const changes: Record<string, { from: unknown; to: unknown }> = {};
        for (const key of Object.keys(after) as (keyof OrgSettings)[]) {
          if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) changes[key] = { from: before[key], to: after[key] };
        }
        if (Object.keys(changes).length > 0) {
          await d.audit.append({ actorId: c.actor.id, action: 'settings-changed', target: { type: 'organisation', id: 1, label: after.name }, detail: changes });
        }
        return ok(after);
      },
    },
    {
      method: 'GET',
      path: /^\/api\/audit$/,
      handle: async (c) => {
        demand(c.actor, 'audit.read', null);
        const q = readQuery(c, AuditQuery);
        return ok(await d.audit.list(q));
      },
    },
  ];
}
