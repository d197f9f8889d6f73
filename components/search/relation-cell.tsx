'use client';
import Link from 'next/link';
import { formatDate } from '@/components/ui/format';
import type { RelatedRef } from './types';

const MASK = '••••';

/** The display values of a related record besides its label (a member's email, an event's date). */
function secondary(ref: RelatedRef): string {
  return Object.entries(ref.fields)
    .slice(1)
    .map(([, v]) => (v instanceof Date ? formatDate(v) : v === null || v === undefined ? '' : String(v)))
    .filter((v) => v && v !== MASK)
    .join(' · ');
}

/**
 * A reference shown by name (member name + email, psychologist, event title), linking to that record.
 * Masked values stay masked ("personal data hidden"); a reference to no record says so; without a
 * resolved ref (a target the role cannot read) the id is shown as text.
 */
export function RelationCell({ id, refValue, href }: { id: unknown; refValue: RelatedRef | undefined; href?: string }) {
  if (id === null || id === undefined || id === '') return null;
  if (!refValue) return <span className="mono small">{String(id)}</span>;
  if (refValue.missing)
    return (
      <span className="muted" title={`No record has id ${refValue.id}`}>
        missing record
      </span>
    );
  const masked = refValue.label === MASK;
  const label = masked ? <span title="Personal data: your role cannot see it">{MASK} (hidden)</span> : (refValue.label ?? refValue.id);
  const sub = secondary(refValue);
  const body = (
    <>
      {label}
      {sub && <span className="muted small relation-sub"> {sub}</span>}
    </>
  );
  // prefetch={false}: the link only opens the drawer on the same page (a URL parameter); prefetching it rendered
  // /search on the server once per reference in view — two per row of session bookings — while the person waited
  // for their results (issue 12, round 7). The drawer's data comes from tRPC when it opens.
  return href ? (
    <Link href={href} className="relation-link" data-testid="relation-link" scroll={false} prefetch={false}>
      {body}
    </Link>
  ) : (
    <span>{body}</span>
  );
}
