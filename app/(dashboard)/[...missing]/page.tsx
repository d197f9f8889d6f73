import { notFound } from 'next/navigation';

/** Any unknown address under the signed-in area: the 404 below renders inside the sidebar layout. */
export default function Missing() {
  notFound();
}
