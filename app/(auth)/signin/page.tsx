import { isDemoMode } from '@/server/env';
import { SignInForm } from '@/components/auth/signin-form';

export const dynamic = 'force-dynamic';

const DEMO_ACCOUNTS = ['superadmin', 'admin', 'content', 'moderator', 'analyst', 'viewer'];

export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const sp = await searchParams;
  const error = typeof sp.error === 'string' ? sp.error.slice(0, 200) : null;
  return (
    <div className="center-page">
      <div className="card signin">
        <h1>A-Cube Admin</h1>
        <p className="muted">Sign in with your operator account.</p>
        <SignInForm initialError={error && error !== 'undefined' ? error : null} />
        {isDemoMode() && (
          <div className="notice demo" data-testid="demo-accounts">
            <strong>Demo mode</strong> (embedded database). Accounts, all with password <code>acube-demo</code>:
            <ul>
              {DEMO_ACCOUNTS.map((a) => (
                <li key={a}>
                  <code>{a}@acube.local</code>
                </li>
              ))}
            </ul>
          </div>
        )}
      </div>
    </div>
  );
}
