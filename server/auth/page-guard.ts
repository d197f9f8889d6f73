import 'server-only';
import { redirect } from 'next/navigation';
import { getDb, isConnectionError } from '../db/client';
import { canAny, SECTIONS, type SectionKey } from '../permissions';
import { loadOperator, type Operator } from './session';
import { sessionIdentity } from '../trpc/context';

export type PageAccess = { kind: 'ok'; operator: Operator } | { kind: 'db-down'; message: string };

/** For server pages: the signed-in operator (from the database), or a redirect to sign-in. */
export async function pageOperator(): Promise<PageAccess> {
  let operator;
  try {
    operator = await loadOperator(await getDb(), await sessionIdentity());
  } catch (e) {
    if (isConnectionError(e)) return { kind: 'db-down', message: (e as Error).message };
    throw e;
  }
  if (!operator) redirect('/signin'); // outside the try: redirect() works by throwing
  return { kind: 'ok', operator };
}

export function sectionAllowed(operator: Operator, key: SectionKey): boolean {
  const s = SECTIONS.find((x) => x.key === key)!;
  return canAny(operator.role, s.anyOf);
}
