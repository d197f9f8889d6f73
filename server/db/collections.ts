import type { Db, ObjectId } from 'mongodb';

/** Operator account. */
export interface AdminDoc {
  _id: ObjectId;
  email: string;
  name: string;
  role: string;
  status: 'active' | 'deactivated';
  passwordHash: string;
  /** Bumped to revoke every session of this admin (force sign-out, role change). */
  sessionVersion: number;
  createdAt: Date;
  updatedAt: Date;
  createdBy: string | null;
  lastSignInAt: Date | null;
}

export interface AuditLogDoc {
  _id?: ObjectId;
  at: Date;
  actor: { id: string; email: string; role: string } | null;
  /** actor.email in lower case ('' without an actor), top level so an index serves the actor filter. */
  actorEmail?: string | null;
  action: string;
  target?: { type: string; id?: string; label?: string } | null;
  input?: unknown;
  details?: unknown;
  result: 'success' | 'failure' | 'denied';
  error?: string | null;
  ip?: string | null;
  userAgent?: string | null;
  day: string;
}

export interface CustomRoleDoc {
  _id: ObjectId;
  key: string;
  label: string;
  description: string;
  permissions: string[];
  createdAt: Date;
  updatedAt: Date;
  createdBy: string | null;
}

/**
 * A signed-out session (its id from the cookie): refused until `expiresAt`, when the cookie could not be
 * valid anyway (absolute lifetime) and the entry is pruned.
 */
export interface SessionRevocationDoc {
  _id: string;
  adminId: string;
  revokedAt: Date;
  expiresAt: Date;
}

/** Typed getters for the app's own collections. Platform collections come from the registry. */
export const collections = {
  admins: (db: Db) => db.collection<AdminDoc>('admins'),
  auditLogs: (db: Db) => db.collection<AuditLogDoc>('audit_logs'),
  roles: (db: Db) => db.collection<CustomRoleDoc>('roles'),
  sessionRevocations: (db: Db) => db.collection<SessionRevocationDoc>('session_revocations'),
};
