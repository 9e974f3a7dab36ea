import type { Role } from '../config.js';

/** Who is calling, as established by the authenticator. */
export interface Principal {
  kind: 'api_key' | 'jwt' | 'anonymous';
  /** API key id, token subject, or "anonymous". Safe to log. */
  id: string;
  role: Role;
}

const RANK: Record<Role, number> = { viewer: 1, operator: 2, admin: 3 };

/** Roles are ordered: an admin may do what an operator may, and an operator what a viewer may. */
export function roleAllows(have: Role, need: Role): boolean {
  return RANK[have] >= RANK[need];
}
