/**
 * Opens (pixel) and clicks (redirect). The token names the message and, for a click, the URL: only URLs
 * that were in the rendered message were ever signed, so the redirect goes nowhere else (no open
 * redirect). Opens are approximate (mail privacy proxies load images ahead of the reader); a click
 * counts as an open too.
 */
import { ObjectId, type Db } from 'mongodb';
import { ms } from './model';
import { bumpRollup } from './rollup';
import { verifyToken } from './tokens';

export async function recordOpen(db: Db, token: string): Promise<boolean> {
  const p = verifyToken(token, 'open');
  if (!p?.m || !ObjectId.isValid(p.m)) return false;
  const now = new Date();
  const before = await ms.messages(db).findOneAndUpdate({ _id: new ObjectId(p.m), openedAt: null }, { $set: { openedAt: now } });
  if (before) await bumpRollup(db, before.campaignId, now, 'opened', 1);
  return true;
}

/** The URL to redirect to, or null for a tampered / foreign token (the route answers 400). */
export async function recordClick(db: Db, token: string): Promise<string | null> {
  const p = verifyToken(token, 'click');
  if (!p?.m || !p.u || !ObjectId.isValid(p.m)) return null;
  let url: URL;
  try {
    url = new URL(p.u);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  const id = new ObjectId(p.m);
  const now = new Date();
  const clicked = await ms.messages(db).findOneAndUpdate({ _id: id, clickedAt: null }, { $set: { clickedAt: now } });
  if (clicked) await bumpRollup(db, clicked.campaignId, now, 'clicked', 1);
  else if (!(await ms.messages(db).findOne({ _id: id }, { projection: { _id: 1 } }))) return null;
  const opened = await ms.messages(db).findOneAndUpdate({ _id: id, openedAt: null }, { $set: { openedAt: now } });
  if (opened) await bumpRollup(db, opened.campaignId, now, 'opened', 1);
  return url.toString();
}
