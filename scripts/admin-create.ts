/**
 * Creates an operator account: `npm run admin:create -- --email you@example.org --role super_admin [--name "…"]`.
 * The password is read from ADMIN_PASSWORD, from standard input when it is not a terminal, or asked for.
 */
import { parseArgs } from 'node:util';
import { createInterface } from 'node:readline/promises';
import { MongoClient } from 'mongodb';
import { z } from 'zod';
import { ensureIndexes } from '../server/db/indexes';
import { insertAdmin } from '../server/auth/admins';
import { BUILTIN_ROLE_KEYS } from '../server/permissions';

const { values } = parseArgs({ options: { email: { type: 'string' }, role: { type: 'string' }, name: { type: 'string' } } });

const Input = z.object({
  email: z.string().trim().toLowerCase().email('--email must be an email address'),
  role: z.enum(BUILTIN_ROLE_KEYS, { message: `--role must be one of ${BUILTIN_ROLE_KEYS.join(', ')}` }),
  name: z.string().trim().min(1).max(120).optional(),
});

async function readPassword(): Promise<string> {
  if (process.env.ADMIN_PASSWORD) return process.env.ADMIN_PASSWORD;
  if (!process.stdin.isTTY) {
    let data = '';
    for await (const chunk of process.stdin) data += chunk;
    return data.split('\n')[0] ?? '';
  }
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true });
  const pw = await rl.question('Password (at least 12 characters): ');
  rl.close();
  return pw;
}

async function main() {
  const parsed = Input.safeParse(values);
  if (!parsed.success) throw new Error(parsed.error.issues.map((i) => i.message).join('; '));
  const password = await readPassword();
  if (password.length < 12) throw new Error('The password must have at least 12 characters.');
  const client = new MongoClient(process.env.MONGODB_URI ?? 'mongodb://127.0.0.1:27017', { serverSelectionTimeoutMS: 5000 });
  await client.connect();
  try {
    const db = client.db(process.env.MONGODB_DB ?? 'acube');
    await ensureIndexes(db);
    const { email, role, name } = parsed.data;
    const admin = await insertAdmin(db, { email, role, name: name ?? email.split('@')[0], password, createdBy: 'cli' });
    console.log(`Created ${admin.role} ${admin.email} (id ${admin._id.toHexString()}).`);
  } finally {
    await client.close();
  }
}

main().catch((e) => {
  console.error(`[admin:create] ${e instanceof Error ? e.message : e}`);
  process.exit(1);
});
