/**
 * The customer directory: search, create, edit, star, history, and a device's last known
 * customer. An agent sees records they own or that are shared with one of their groups;
 * managers, admins and owners see all (Policy.ts). A record the caller may not read answers
 * 403 with no data; one that does not exist answers 404.
 */
import { CreateCustomerRequest, CustomerListQuery, DeviceDetails, UpdateCustomerRequest, type StarResponse } from '@beacon/shared/api';
import { ProtocolError } from '@beacon/shared/errors';
import { parseUnknown } from '@beacon/shared/parse';
import { DeviceId } from '@beacon/shared/protocol';
import type { Accounts } from '../accounts/Accounts.ts';
import type { AuditLog } from '../accounts/AuditLog.ts';
import { authorize, demand, type Actor, type ActorContext, type ApiRoute } from '../accounts/Policy.ts';
import type { Clock } from '../platform/clock.ts';
import { RateLimiter } from '../platform/RateLimiter.ts';
import { intParam, ok, readJson, readQuery } from '../platform/route.ts';
import type { CustomerRecord, CustomerStore } from './CustomerStore.ts';

/** Device look-ups per seat: enough for typing IDs all day, too few to scan the ID space for who is online. */
export const DEVICE_LOOKUPS = { max: 30, windowMs: 60_000 };

export interface CustomerRouteDeps {
  customers: CustomerStore;
  now?: Clock;
  accounts: Accounts;
  audit: AuditLog;
  /** Whether a device is connected right now (the sessions feature knows). */
  isDeviceOnline(deviceId: string): boolean;
}

/** The record named by the path's `:id`, if the caller may do `action` to it (404 unknown, 403 not theirs). */
export async function readableCustomer(customers: CustomerStore, c: ActorContext, action: 'customer.read' | 'customer.update' = 'customer.read'): Promise<CustomerRecord> {
  const record = await customers.record(intParam(c, 'id'));
  if (!record) throw new ProtocolError('not-found', 'no such customer');
  demand(c.actor, action, record);
  return record;
}

export function customerRoutes(d: CustomerRouteDeps): ApiRoute[] {
  const lookups = new RateLimiter(DEVICE_LOOKUPS, d.now);
  const readable = (c: ActorContext, action?: 'customer.read' | 'customer.update') => readableCustomer(d.customers, c, action);

  const shareable = async (actor: Actor, groupId: number): Promise<void> => {
    if (!(await d.accounts.group(groupId))) throw new ProtocolError('bad-message', `there is no group with id ${groupId}`);
    demand(actor, 'customer.share', { kind: 'group', id: groupId });
  };

  const view = async (id: number, actor: Actor) => {
    const customer = await d.customers.view(id, actor);
    if (!customer) throw new ProtocolError('not-found', 'no such customer');
    return customer;
  };

  const setStar = (isStarred: boolean) => async (c: ActorContext) => {
    const record = await readable(c);
    await d.customers.setStar(c.actor.id, record.id, isStarred);
    return ok({ isStarred } satisfies StarResponse);
  };

  return [
    {
      method: 'GET',
      path: /^\/api\/customers$/,
      handle: async (c) => ok(await d.customers.list(c.actor, readQuery(c, CustomerListQuery))),
    },
    {
      method: 'POST',
      path: /^\/api\/customers$/,
      handle: async (c) => {
        demand(c.actor, 'customer.create', null);
        const body = await readJson(c, CreateCustomerRequest);
        if (body.sharedGroupId !== null) await shareable(c.actor, body.sharedGroupId);
        const id = await d.customers.create(c.actor, body);
        return ok(await view(id, c.actor), 201);
      },
    },
    {
      method: 'GET',
      path: /^\/api\/customers\/(?<id>\d+)$/,
      handle: async (c) => ok(await view((await readable(c)).id, c.actor)),
    },
    {
      method: 'PATCH',
      path: /^\/api\/customers\/(?<id>\d+)$/,
      handle: async (c) => {
        const record = await readable(c, 'customer.update');
        const body = await readJson(c, UpdateCustomerRequest);
        if (body.sharedGroupId !== undefined && body.sharedGroupId !== null) await shareable(c.actor, body.sharedGroupId);
        const isReassign = body.ownerAccountId !== undefined && body.ownerAccountId !== record.ownerAccountId;
        if (isReassign && body.ownerAccountId !== undefined) {
          demand(c.actor, 'customer.reassign', null);
          const owner = await d.accounts.seat(body.ownerAccountId);
          if (!owner || owner.isDeleted) throw new ProtocolError('bad-message', `there is no seat with id ${body.ownerAccountId}`);
          if (owner.isDisabled) throw new ProtocolError('conflict', 'that seat is disabled; enable it first or choose another seat');
          await d.audit.append({
            actorId: c.actor.id,
            action: 'customer-reassigned',
            target: { type: 'customer', id: record.id, label: record.name },
            detail: { from: record.ownerAccountId, to: owner.id },
          });
        }
        await d.customers.update(record.id, body);
        return ok(await view(record.id, c.actor));
      },
    },
    { method: 'PUT', path: /^\/api\/customers\/(?<id>\d+)\/star$/, handle: setStar(true) },
    { method: 'DELETE', path: /^\/api\/customers\/(?<id>\d+)\/star$/, handle: setStar(false) },
    {
      method: 'GET',
      path: /^\/api\/devices\/(?<deviceId>[^/]+)$/,
      handle: async (c) => {
        demand(c.actor, 'device.read', null);
        const seat = String(c.actor.id);
        if (lookups.isLimited(seat)) {
          const retryAt = lookups.retryAt(seat) ?? 0;
          throw Object.assign(new ProtocolError('rate-limited', 'too many device look-ups; wait a minute'), { retryAfterS: Math.max(1, Math.ceil((retryAt - (d.now ?? Date.now)()) / 1000)) });
        }
        lookups.record(seat);
        const id = parseUnknown(DeviceId, c.params.deviceId, 'device ID');
        if (!id.ok) throw new ProtocolError('bad-message', 'a device ID is 9 digits');
        const device = await d.customers.device(id.value);
        if (!device) throw new ProtocolError('not-found', 'no device with that ID has ever connected');
        let customer = null;
        if (device.customerId !== null) {
          const record = await d.customers.record(device.customerId);
          // A customer the caller may not read is not theirs to pick: they see none.
          if (record && authorize(c.actor, 'customer.read', record)) customer = await d.customers.view(record.id, c.actor);
        }
        const details: DeviceDetails = {
          deviceId: device.deviceId,
          isOnline: d.isDeviceOnline(device.deviceId),
          registeredAt: device.registeredAt,
          lastSeenAt: device.lastSeenAt,
          customer,
        };
        return ok(details);
      },
    },
  ];
}
