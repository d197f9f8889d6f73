import { startFerretDB } from './scripts/lib/ferretdb.mjs';
import { MongoClient, ObjectId } from 'mongodb';
const s = await startFerretDB({ port: 27045, dataDir: '/tmp/fw', fresh: true });
const c = new MongoClient(s.uri); await c.connect();
const db = c.db('w');
const sets = {
  unique: [{ key: { eventId: 1 }, name: 'eventId_unique', unique: true }],
  all: [{ key: { eventId: 1 }, name: 'eventId_unique', unique: true }, { key: { userId: 1, ts: -1 }, name: 'userId_ts' }, { key: { _kw: 1 }, name: 'search_kw' }, { key: { name: 1, _id: 1 }, name: 'search_name' }, { key: { ts: 1, _id: 1 }, name: 'search_ts' }, { key: { day: 1, _id: 1 }, name: 'search_day' }, { key: { receivedAt: 1, _id: 1 }, name: 'search_receivedAt' }],
  lean: [{ key: { eventId: 1 }, name: 'eventId_unique', unique: true }, { key: { userId: 1, ts: -1 }, name: 'userId_ts' }, { key: { _kw: 1 }, name: 'search_kw' }, { key: { name: 1, _id: 1 }, name: 'search_name' }, { key: { ts: 1, _id: 1 }, name: 'search_ts' }],
  kwonly: [{ key: { eventId: 1 }, name: 'eventId_unique', unique: true }, { key: { _kw: 1 }, name: 'search_kw' }],
  exprs: [{ key: { eventId: 1 }, name: 'eventId_unique', unique: true }, { key: { userId: 1, ts: -1 }, name: 'userId_ts' }, { key: { name: 1, _id: 1 }, name: 'search_name' }, { key: { ts: 1, _id: 1 }, name: 'search_ts' }],
};
const names = ['booking.created', 'blog.read', 'event.registered', 'session.completed', 'login', 'search.performed'];
let k = 0;
for (const [set, idx] of Object.entries(sets)) {
  const col = db.collection('ev_' + set);
  await col.insertOne({ eventId: 'x' + set }); await col.createIndexes(idx);
  const t = Date.now(); const N = 20000;
  for (let b = 0; b < N / 500; b++) {
    const docs = [];
    for (let i = 0; i < 500; i++) { k++; const ts = new Date(Date.UTC(2026, 0, 1) + k * 1000); const name = names[k % 6];
      docs.push({ eventId: 'e' + k, userId: new ObjectId(), name, ts, day: ts.toISOString().slice(0, 10), week: '2026-W01', month: '2026-01', props: { path: '/x/' + (k % 50) }, source: 'web', receivedAt: ts, _kw: [...name.split('.'), 'web', 'x' + (k % 50)] }); }
    await col.insertMany(docs);
  }
  console.log(set, Math.round(N / ((Date.now() - t) / 1000)), 'docs/s');
}
await c.close(); await s.stop();
