/**
 * Slow command log (DB_SLOW_COMMAND_MS): every database command slower than the threshold is logged as one
 * line with its collection and the *shape* of its filter, sort and pipeline — field names and operators, never
 * values (no member data in the log). What finds the query behind a slow page under load.
 */
import type { CommandStartedEvent, CommandSucceededEvent, CommandFailedEvent, MongoClient } from 'mongodb';

const SHAPED = ['filter', 'query', 'sort', 'projection', 'pipeline', 'q'] as const;

/** The structure of a filter-like value with every leaf replaced by its type. */
export function shapeOf(v: unknown, depth = 0): unknown {
  if (depth > 6) return '…';
  if (Array.isArray(v)) {
    const items = v.slice(0, 3).map((x) => shapeOf(x, depth + 1));
    return v.length > 3 ? [...items, `…${v.length - 3} more`] : items;
  }
  if (v instanceof Date) return 'date';
  if (v instanceof Map) return shapeOf(Object.fromEntries(v), depth);
  if (v && typeof v === 'object') {
    const bsontype = (v as { _bsontype?: string })._bsontype;
    if (bsontype) return bsontype;
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = shapeOf(x, depth + 1);
    return out;
  }
  return typeof v;
}

/** The part of a command worth logging: collection, filter shape, sort/projection shape, limit. */
export function describeCommand(e: Pick<CommandStartedEvent, 'commandName' | 'command'>): string {
  const cmd = e.command as Record<string, unknown>;
  // getMore names its cursor; the collection is beside it
  const target = e.commandName === 'getMore' ? cmd.collection : cmd[e.commandName];
  const parts: string[] = [`${e.commandName} ${String(target ?? '')}`];
  for (const k of SHAPED) if (cmd[k] !== undefined) parts.push(`${k}=${JSON.stringify(shapeOf(cmd[k]))}`);
  if (typeof cmd.limit === 'number') parts.push(`limit=${cmd.limit}`);
  return parts.join(' ').slice(0, 600);
}

/** Logs commands of `client` slower than `thresholdMs` (the client needs monitorCommands: true). */
export function attachSlowCommandLog(client: MongoClient, thresholdMs: number, log: (line: string) => void = console.warn): void {
  if (!(thresholdMs > 0)) return;
  const started = new Map<number, string>();
  client.on('commandStarted', (e: CommandStartedEvent) => {
    if (started.size > 10_000) started.clear(); // events lost on a closed connection never finish: bound the map
    started.set(e.requestId, describeCommand(e));
  });
  const done = (outcome: string) => (e: CommandSucceededEvent | CommandFailedEvent) => {
    const what = started.get(e.requestId);
    started.delete(e.requestId);
    if (what !== undefined && e.duration >= thresholdMs) log(`[db] slow ${outcome} ${Math.round(e.duration)} ms: ${what}`);
  };
  client.on('commandSucceeded', done('ok'));
  client.on('commandFailed', done('failed'));
}
