import { z } from 'zod';
import { CustomerId, DeviceId } from '../protocol.ts';
import { AccountId, Cursor, EpochMs, GroupId, GroupRef, QueryBool, QueryCursor, QueryInt, QueryText, SeatRef } from './common.ts';

/** The customer directory and what the relay knows about a device. */

/* ---------- customer directory ---------- */

export const CustomerName = z.string().trim().min(1).max(120);
export const Tag = z.string().trim().min(1).max(40);
const CustomerFields = {
  company: z.string().trim().max(120),
  phone: z.string().trim().max(40),
  /** Business information: what they have, what was done last time. */
  notes: z.string().max(4000),
  tags: z.array(Tag).max(20),
};

export const Customer = z.object({
  id: CustomerId,
  name: z.string(),
  ...CustomerFields,
  owner: SeatRef,
  /** The group the record is shared with (its members may use it), or null. */
  sharedGroup: GroupRef.nullable(),
  /** Starred by the calling seat. */
  isStarred: z.boolean(),
  createdAt: EpochMs,
  updatedAt: EpochMs,
  lastSessionAt: EpochMs.nullable(),
});
export type Customer = z.infer<typeof Customer>;

/** `GET /api/customers`: `q` searches name, company, phone, tags and notes; starred records come first. */
export const CustomerListQuery = z.object({
  q: QueryText(200),
  /** Only the caller's starred records. */
  starred: QueryBool,
  cursor: QueryCursor,
  limit: QueryInt(1, 200),
});
export type CustomerListQuery = z.infer<typeof CustomerListQuery>;
export const CustomerList = z.object({ customers: z.array(Customer), nextCursor: Cursor.nullable() });
export type CustomerList = z.infer<typeof CustomerList>;

export const CreateCustomerRequest = z.object({
  name: CustomerName,
  company: CustomerFields.company.default(''),
  phone: CustomerFields.phone.default(''),
  notes: CustomerFields.notes.default(''),
  tags: CustomerFields.tags.default([]),
  sharedGroupId: GroupId.nullable().default(null),
  isStarred: z.boolean().default(false),
});
export type CreateCustomerRequest = z.infer<typeof CreateCustomerRequest>;

export const UpdateCustomerRequest = z
  .object({
    name: CustomerName.optional(),
    company: CustomerFields.company.optional(),
    phone: CustomerFields.phone.optional(),
    notes: CustomerFields.notes.optional(),
    tags: CustomerFields.tags.optional(),
    sharedGroupId: GroupId.nullable().optional(),
    /** Owners and admins only: hand the record to another seat. */
    ownerAccountId: AccountId.optional(),
  })
  .refine((r) => Object.values(r).some((v) => v !== undefined), 'change at least one field');
export type UpdateCustomerRequest = z.infer<typeof UpdateCustomerRequest>;

export const StarResponse = z.object({ isStarred: z.boolean() });
export type StarResponse = z.infer<typeof StarResponse>;

/** `GET /api/devices/:deviceId`: the customer last linked to this device ID, if the caller may see it. */
export const DeviceDetails = z.object({
  deviceId: DeviceId,
  isOnline: z.boolean(),
  registeredAt: EpochMs,
  lastSeenAt: EpochMs,
  customer: Customer.nullable(),
});
export type DeviceDetails = z.infer<typeof DeviceDetails>;
