/**
 * The load test's routes (the read mix of each role) and its sessions: real NextAuth session cookies,
 * encoded with the server's NEXTAUTH_SECRET by next-auth's own encode(), for operators created in the
 * target database. Shared by load.ts and route-cost.ts.
 */
import { randomUUID } from 'node:crypto';
import { MongoClient, ObjectId } from 'mongodb';
import { encode } from 'next-auth/jwt';
import { BUILTIN_ROLE_KEYS, type BuiltinRole } from '../../server/permissions';
import { hashPassword } from '../../server/auth/password';
const enc = (input: unknown) => encodeURIComponent(JSON.stringify({ json: input }));
export const ROUTES: Record<string, { path: string; roles: BuiltinRole[]; weight?: number }> = {
  me: { path: `/api/trpc/me.get`, roles: [...BUILTIN_ROLE_KEYS] },
  dashboardList: { path: `/api/trpc/dashboard.list`, roles: [...BUILTIN_ROLE_KEYS] },
  widgetUsers: { path: `/api/trpc/dashboard.widget?input=${enc({ key: 'counts' })}`, roles: [...BUILTIN_ROLE_KEYS] },
  searchUsers: {
    path: `/api/trpc/search.query?input=${enc({ collection: 'users', pageSize: 25 })}`,
    roles: ['super_admin', 'admin', 'moderator', 'analyst', 'viewer'],
  },
  searchBlogs: {
    path: `/api/trpc/search.query?input=${enc({ collection: 'blogs', pageSize: 25 })}`,
    roles: ['super_admin', 'admin', 'content_manager', 'analyst', 'viewer'],
  },
  analyticsSummary: { path: `/api/trpc/analytics.homeSummary`, roles: ['super_admin', 'admin', 'analyst'] },
  auditPage: { path: `/api/trpc/audit.list?input=${enc({ limit: 50 })}`, roles: ['super_admin', 'admin'] },
  backupList: { path: `/api/trpc/backup.list?input=${enc({ limit: 100 })}`, roles: ['super_admin', 'admin'] },
  notifications: { path: `/api/trpc/notifications.list`, roles: [...BUILTIN_ROLE_KEYS] },
  analyticsDau: {
    path: `/api/trpc/analytics.activeUsers?input=${enc({ from: new Date(Date.now() - 29 * 86_400_000).toISOString().slice(0, 10), to: new Date().toISOString().slice(0, 10) })}`,
    roles: ['super_admin', 'admin', 'analyst'],
  },
  // a few exports: one page view in fifty for the roles that may export members
  exportUsers: { path: `/api/export/users?format=csv`, roles: ['super_admin', 'admin'], weight: 0.02 },
};

/**
 * Record drawers (search.record + search.related) need real member ids: added once the database is open. The
 * path names the first member; people mode opens a random one of `memberIds` instead (withMember), so the
 * drawers are not one record served from warm pages.
 */
const memberIds: string[] = [];
function addDrawerRoutes(ids: string[]) {
  memberIds.push(...ids);
  const roles: BuiltinRole[] = ['super_admin', 'admin', 'moderator', 'analyst', 'viewer'];
  ROUTES.recordDrawer = { path: `/api/trpc/search.record?input=${enc({ collection: 'users', id: ids[0] })}`, roles };
  ROUTES.recordRelated = { path: `/api/trpc/search.related?input=${enc({ collection: 'users', id: ids[0] })}`, roles };
}
export function withMember(path: string): string {
  if (memberIds.length < 2 || !path.includes(memberIds[0]!)) return path;
  return path.replace(memberIds[0]!, memberIds[Math.floor(Math.random() * memberIds.length)]!);
}

export interface Sess {
  role: BuiltinRole;
  cookie: string;
}

export async function makeSessions(operatorsPerRole: number): Promise<Sess[]> {
  const SECRET = process.env.NEXTAUTH_SECRET ?? '';
  if (!SECRET) throw new Error('NEXTAUTH_SECRET must be the server’s');
  const client = new MongoClient(process.env.MONGODB_URI ?? 'mongodb://127.0.0.1:27017');
  await client.connect();
  const db = client.db(process.env.MONGODB_DB ?? 'acube');
  const out: Sess[] = [];
  const members = await db
    .collection('users')
    .find({}, { projection: { _id: 1 } })
    .limit(1_000)
    .toArray();
  if (members.length) addDrawerRoutes(members.map((m) => String(m._id)));
  const hash = await hashPassword(`load-${Date.now()}-not-used-for-sign-in`);
  for (const role of BUILTIN_ROLE_KEYS) {
    for (let i = 0; i < operatorsPerRole; i++) {
      const email = `load-${role}-${i}@bench.local`;
      const now = new Date();
      await db.collection('admins').updateOne(
        { email },
        {
          $setOnInsert: {
            _id: new ObjectId(),
            email,
            name: `Load ${role} ${i}`,
            role,
            status: 'active',
            passwordHash: hash,
            sessionVersion: 0,
            createdAt: now,
            updatedAt: now,
            createdBy: 'bench',
            lastSignInAt: null,
          },
        },
        { upsert: true },
      );
      const a = await db.collection('admins').findOne({ email });
      const token = await encode({
        secret: SECRET,
        // the claims a sign-in sets (server/auth/options.ts): sessions without authTime and sid are refused
        token: {
          sub: String(a!._id),
          email,
          name: a!.name,
          adminId: String(a!._id),
          sv: a!.sessionVersion,
          authTime: Math.floor(Date.now() / 1000),
          sid: randomUUID(),
        },
        maxAge: 8 * 3600,
      });
      out.push({ role, cookie: `next-auth.session-token=${token}` });
    }
  }
  await client.close();
  return out;
}

/** The routes, with the record drawers once makeSessions has read member ids. */
export function loadRoutes() {
  return ROUTES;
}
