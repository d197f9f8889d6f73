import Link from 'next/link';

export default function NotFound() {
  return (
    <main className="center-page">
      <div className="card" data-testid="not-found">
        <h1>Page not found</h1>
        <p>There is no page at this address.</p>
        <p>
          <Link href="/">Back to the dashboard</Link>
        </p>
      </div>
    </main>
  );
}
