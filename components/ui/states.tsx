import type { ReactNode } from 'react';

export function DbDown({ message }: { message: string }) {
  return (
    <div className="center-page">
      <div className="card error" role="alert">
        <h1>The database is unreachable</h1>
        <p>A-Cube Admin cannot reach its database, so nothing can be shown or changed right now.</p>
        <pre className="mono">{message}</pre>
        <p>
          Check that the database is running (with the embedded database: <code>npm start</code> starts it) and reload this page.
        </p>
      </div>
    </div>
  );
}

export function Forbidden({ what }: { what: string }) {
  return (
    <div className="card error" role="alert">
      <h1>Not available to your role</h1>
      <p>Your role does not include {what}. Ask a super admin if you need it.</p>
    </div>
  );
}

export function NotBuiltYet({ title, issue, children }: { title: string; issue: string; children?: ReactNode }) {
  return (
    <div>
      <h1>{title}</h1>
      <div className="card notice" data-testid="not-built">
        <strong>Not built yet.</strong> This section is planned ({issue}) and does nothing today. {children}
      </div>
    </div>
  );
}

export function ErrorBox({ error }: { error: { message: string } | null | undefined }) {
  if (!error) return null;
  return (
    <div className="card error" role="alert">
      {error.message}
    </div>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <div className="empty">{children}</div>;
}
