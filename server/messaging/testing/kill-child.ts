/**
 * Child process for the exactly-once test: drains the outbox of database <dbName> and SIGKILLs itself at
 * the point named by MESSAGING_KILL_AT (before-smtp / after-smtp) after MESSAGING_KILL_AFTER messages
 * (killPoint in outbox.ts).
 */
import { MongoClient } from 'mongodb';
import { drainOutbox } from '../outbox';

const [dbName] = process.argv.slice(2);
const client = new MongoClient(process.env.MONGODB_URI ?? 'mongodb://127.0.0.1:27017');
await client.connect();
const stats = await drainOutbox(client.db(dbName));
await client.close();
console.log('finished without being killed', stats);
process.exit(0);
