import 'server-only';
import type { AuthOptions } from 'next-auth';
import CredentialsProviderModule from 'next-auth/providers/credentials';
import { getDb, mongoClient } from '../db/client';
import { env } from '../env';
import { verifyCredentials } from './credentials';
import { clientIp } from './client-ip';
import { randomUUID } from 'node:crypto';
import { revokeSession, type SessionIdentity } from './session';
import { decodeSessionToken, identityOfToken } from './token';

// Next's bundler hands over the provider function; plain Node ESM (tsx: the benchmarks, scripts) hands over
// the CommonJS module object with the function as `default`.
const CredentialsProvider = (CredentialsProviderModule as unknown as { default?: typeof CredentialsProviderModule }).default ?? CredentialsProviderModule;

function headerOf(headers: unknown, name: string): string | null {
  if (!headers) return null;
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name);
  const v = (headers as Record<string, string | string[] | undefined>)[name];
  return Array.isArray(v) ? (v[0] ?? null) : (v ?? null);
}

/** The client's address: the socket's, or X-Forwarded-For only as far as TRUST_PROXY says (./client-ip.ts). */
export { clientIp } from './client-ip';

export const SIGNIN_ERRORS = {
  invalid: 'Wrong email or password.',
  deactivated: 'This account is deactivated. Ask a super admin to reactivate it.',
  rate_limited: 'Too many failed attempts. Try again in a few minutes.',
} as const;

export const authOptions: AuthOptions = {
  secret: env().NEXTAUTH_SECRET,
  session: { strategy: 'jwt', maxAge: env().SESSION_MAX_AGE_HOURS * 3600 },
  // the same decoding as NextAuth's, with the derived key computed once (./token.ts)
  jwt: { decode: decodeSessionToken },
  pages: { signIn: '/signin', error: '/signin' },
  providers: [
    CredentialsProvider({
      id: 'credentials',
      name: 'Email and password',
      credentials: { email: { label: 'Email', type: 'email' }, password: { label: 'Password', type: 'password' } },
      async authorize(credentials, req) {
        const db = await getDb();
        const r = await verifyCredentials(db, mongoClient(), credentials, {
          ip: clientIp(req?.headers),
          userAgent: headerOf(req?.headers, 'user-agent'),
        });
        if (!r.ok) throw new Error(SIGNIN_ERRORS[r.reason]);
        return { id: r.admin._id.toHexString(), email: r.admin.email, name: r.admin.name, sv: r.admin.sessionVersion };
      },
    }),
  ],
  callbacks: {
    async jwt({ token, user }) {
      if (user) {
        token.adminId = user.id;
        token.sv = (user as { sv?: number }).sv ?? 0;
        // Set once, at sign-in; renewals copy the token and keep it (absolute lifetime, server/auth/session.ts).
        token.authTime = Math.floor(Date.now() / 1000);
        token.sid = randomUUID();
      }
      return token;
    },
    async session({ session, token }) {
      (session as unknown as { identity: SessionIdentity }).identity = identityOfToken(token);
      return session;
    },
  },
  events: {
    /**
     * Sign-out ends the session for real: clearing the cookie is not enough (a copy keeps working), so this
     * session's id goes on the revocation list (server/auth/session.ts).
     */
    async signOut({ token }) {
      const adminId = typeof token?.adminId === 'string' ? token.adminId : '';
      if (!adminId) return;
      try {
        await revokeSession(await getDb(), {
          adminId,
          sessionVersion: Number(token.sv ?? -1),
          authTime: typeof token.authTime === 'number' ? token.authTime : undefined,
          sid: typeof token.sid === 'string' ? token.sid : undefined,
        });
      } catch (e) {
        console.error('[auth] sign-out could not end the session:', e instanceof Error ? e.message : e);
      }
    },
  },
};
