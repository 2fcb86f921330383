/**
 * Which screens and buttons each role is shown. This is convenience only: the relay checks
 * every request itself, and a page opened by URL without the role just shows the relay's
 * `forbidden` answer.
 */
import type { AccountRole } from '@beacon/shared/protocol';
import type { RouteName } from './routes.ts';

export interface NavItem {
  route: RouteName;
  hash: string;
  /** i18n key of the label. */
  labelKey: string;
  testId: string;
  /** Starts a back-office group in the navigation. */
  isAdmin: boolean;
}

const ALL_NAV: readonly (NavItem & { roles: readonly AccountRole[] })[] = [
  { route: 'console', hash: '#/', labelKey: 'nav.sessions', testId: 'nav-sessions', isAdmin: false, roles: ['owner', 'admin', 'manager', 'agent'] },
  { route: 'customers', hash: '#/customers', labelKey: 'nav.customers', testId: 'nav-customers', isAdmin: false, roles: ['owner', 'admin', 'manager', 'agent'] },
  { route: 'admin-seats', hash: '#/admin/seats', labelKey: 'nav.seats', testId: 'nav-admin-seats', isAdmin: true, roles: ['owner', 'admin', 'manager'] },
  { route: 'admin-log', hash: '#/admin/log', labelKey: 'nav.log', testId: 'nav-admin-log', isAdmin: true, roles: ['owner', 'admin', 'manager'] },
  { route: 'admin-stats', hash: '#/admin/stats', labelKey: 'nav.stats', testId: 'nav-admin-stats', isAdmin: true, roles: ['owner', 'admin', 'manager'] },
  { route: 'admin-audit', hash: '#/admin/audit', labelKey: 'nav.audit', testId: 'nav-admin-audit', isAdmin: true, roles: ['owner', 'admin', 'manager'] },
  { route: 'admin-settings', hash: '#/admin/settings', labelKey: 'nav.settings', testId: 'nav-admin-settings', isAdmin: true, roles: ['owner', 'admin', 'manager'] },
];

/**
 * The navigation for a role. An unknown role (a relay from before roles) is treated as an
 * agent, the least privileged.
 */
export function navFor(role: AccountRole | undefined | null): NavItem[] {
  const r = role ?? 'agent';
  return ALL_NAV.filter((n) => n.roles.includes(r)).map(({ roles: _roles, ...item }) => item);
}

/** Owners and admins manage seats and settings. */
export function canAdminister(role: AccountRole | undefined | null): boolean {
  return role === 'owner' || role === 'admin';
}

/** Managers and up see the whole organisation (log, statistics, every seat). */
export function canOversee(role: AccountRole | undefined | null): boolean {
  return role === 'owner' || role === 'admin' || role === 'manager';
}

/** The roles a seat may hand out when creating or editing a seat: only an owner makes owners. */
export function assignableRoles(role: AccountRole | undefined | null): AccountRole[] {
  if (role === 'owner') return ['agent', 'manager', 'admin', 'owner'];
  if (role === 'admin') return ['agent', 'manager', 'admin'];
  return [];
}
