import type { Db } from 'mongodb';
import type { Operator } from '../auth/session';
import { AppError } from '../errors';
import { can } from '../permissions';
import { cached } from '../db/cache';
import { WIDGETS, type WidgetKey, type WidgetResult } from './widgets';

function isWidgetKey(k: string): k is WidgetKey {
  return Object.prototype.hasOwnProperty.call(WIDGETS, k);
}

/**
 * The widgets this operator may see, in page order, without their data. `tags`: the collections the data
 * depends on; the page refetches a widget when a live `tiles` event names one of them (server/live/tiles.ts).
 */
export function dashboardWidgetList(operator: Operator): { key: WidgetKey; title: string; tags: string[] }[] {
  return (Object.keys(WIDGETS) as WidgetKey[])
    .filter((k) => can(operator.role, WIDGETS[k].permission))
    .map((key) => ({ key, title: WIDGETS[key].title, tags: WIDGETS[key].tags }));
}

/** Cache key of a widget's data: per set of permissions where the data depends on the role. */
function widgetCacheKey(key: WidgetKey, permissions: readonly string[] | null): string {
  return `widget|${key}|${permissions ? [...permissions].sort().join(',') : '*'}`;
}

/**
 * Computes the slow widget that does not depend on the role (engagement) into the cache at start-up, in the
 * background, so the first dashboard after a restart does not wait for it. (Data quality is computed by its
 * maintenance job and stored: server/quality/service.ts.)
 */
export async function warmDashboard(db: Db): Promise<void> {
  for (const key of ['analytics'] as const) {
    const w = WIDGETS[key];
    await cached(db, w.tier, widgetCacheKey(key, null), w.tags, () => (w.load as (db: Db) => Promise<unknown>)(db));
  }
}

/**
 * One widget's data, loaded under that widget's permission. Each widget is its own request,
 * so a slow one (the data-quality scan) never holds back the others; a failing one reports
 * its own error instead of sinking the page.
 */
export async function loadWidget(db: Db, operator: Operator, key: string): Promise<WidgetResult> {
  if (!isWidgetKey(key)) throw new AppError('BAD_REQUEST', `Unknown widget "${key}".`);
  const w = WIDGETS[key];
  if (!can(operator.role, w.permission)) {
    throw new AppError('FORBIDDEN', `The ${w.title} widget needs the permission "${w.permission}".`);
  }
  try {
    const r = await cached(
      db,
      w.tier,
      widgetCacheKey(key, w.perRole ? operator.role.permissions : null),
      w.tags,
      () => w.load(db, operator) as Promise<unknown>,
      {
        staleWhileRevalidate: true,
      },
    );
    const of = (w as { computedAtOf?: (d: unknown) => Date | null }).computedAtOf;
    const asOf = (w as { asOfOf?: (d: unknown) => Date | null }).asOfOf?.(r.value) ?? null;
    let computedAt = of ? of(r.value) : r.computedAt;
    if (asOf && computedAt && asOf < computedAt) computedAt = asOf;
    return { key, title: w.title, permission: w.permission, ok: true, data: r.value, computedAt } as WidgetResult;
  } catch (e) {
    console.error(`[dashboard] widget ${key}`, e);
    return { key, title: w.title, permission: w.permission, ok: false, error: 'This widget could not be loaded.' } as WidgetResult;
  }
}

/**
 * The widgets whose data is ready within `budgetMs` (cached ones answer in a few ms), for the dashboard page to put
 * in its HTML: a person sees those figures before the page's scripts have run. A widget not ready by then is left
 * to the page's own request (its computation goes on and fills the cache). Same permission checks as `loadWidget`.
 */
export async function readyWidgets(
  db: Db,
  operator: Operator,
  keys: readonly WidgetKey[],
  budgetMs: number,
): Promise<Partial<Record<WidgetKey, WidgetResult>>> {
  const out: Partial<Record<WidgetKey, WidgetResult>> = {};
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, budgetMs)));
  await Promise.race([
    Promise.all(
      keys.map(async (key) => {
        const r = await loadWidget(db, operator, key).catch(() => null);
        if (r?.ok) out[key] = r;
      }),
    ),
    deadline,
  ]);
  clearTimeout(timer);
  return { ...out };
}
