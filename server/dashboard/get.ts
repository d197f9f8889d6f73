import type { Db } from 'mongodb';
import type { Operator } from '../auth/session';
import { can } from '../permissions';
import { WIDGETS, type WidgetKey, type WidgetResult } from './widgets';

/** Loads the widgets this operator may see, in parallel; one failing widget does not sink the page. */
export async function dashboardWidgets(db: Db, operator: Operator): Promise<WidgetResult[]> {
  const keys = (Object.keys(WIDGETS) as WidgetKey[]).filter((k) => can(operator.role, WIDGETS[k].permission));
  return Promise.all(
    keys.map(async (key) => {
      const w = WIDGETS[key];
      try {
        return { key, title: w.title, permission: w.permission, ok: true, data: await w.load(db, operator) } as WidgetResult;
      } catch (e) {
        console.error(`[dashboard] widget ${key}`, e);
        return { key, title: w.title, permission: w.permission, ok: false, error: 'This widget could not be loaded.' } as WidgetResult;
      }
    }),
  );
}
