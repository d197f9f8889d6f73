/**
 * Child process for the kill test: runs a replace restore that SIGKILLs itself at the step
 * named by BACKUP_KILL_AT (see killPoint in engine.ts). Args: <dbName> <backupId> <backupDir>.
 */
import { MongoClient } from 'mongodb';
import { DirectoryStorage } from '../storage';
import { restoreBackup } from '../engine';
import { bk } from '../model';

const [dbName, backupId, dir] = process.argv.slice(2);
const client = new MongoClient(process.env.MONGODB_URI ?? 'mongodb://127.0.0.1:27017');
await client.connect();
const db = client.db(dbName);
const backup = await bk.backups(db).findOne({ _id: backupId });
if (!backup) throw new Error('no backup');
await restoreBackup(db, new DirectoryStorage(dir), backup, { mode: 'replace' });
await client.close();
console.log('finished without being killed');
