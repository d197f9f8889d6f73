import type { SessionIdentity } from '../auth/session';

/** A cookie without its sign-in time or session id predates absolute lifetimes: refused, the operator signs in again. */
export function completeIdentity(id: SessionIdentity): SessionIdentity | null {
  return id.adminId && typeof id.authTime === 'number' && id.sid ? id : null;
}
