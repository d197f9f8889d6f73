import Link from 'next/link';

export default function NotFound() {
  return (
    <div data-testid="not-found">
      <h1>Page not found</h1>
      <div className="card">
        <p>There is no page at this address. It may have been mistyped, or the link you followed is out of date.</p>
        <p>
          <Link href="/">Back to the dashboard</Link> or pick a section from the menu.
        </p>
      </div>
    </div>
  );
}
