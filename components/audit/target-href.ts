import { isSearchKey } from '@/server/registry';
import { recordHref, searchHref } from '@/components/search/query-state';

/** Where an audit entry's target lives: the exact record when it is one, else the page that lists it. */
export function targetHref(target: { type?: string | null; id?: string | null } | null | undefined): string | null {
  if (!target?.type) return null;
  const id = target.id ?? '';
  const hex = /^[0-9a-f]{24}$/i.test(id);
  if (isSearchKey(target.type) && hex) return recordHref(target.type, id);
  switch (target.type) {
    case 'collection':
      return isSearchKey(id) ? searchHref({ collection: id }) : null;
    case 'backup':
    case 'backup_schedule':
      return '/backups';
    case 'role':
    case 'admin':
      return '/roles';
    case 'analytics_api_key':
      return '/analytics?tab=keys';
    case 'saved_search':
      return '/search';
    default:
      return null;
  }
}
