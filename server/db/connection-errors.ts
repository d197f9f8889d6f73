/** Errors that mean "the database cannot be reached" (no server-only imports: used by tRPC init too). */
export class DatabaseUnavailableError extends Error {
  constructor(uri: string, cause: unknown) {
    super(`The database is unreachable (${uri.replace(/\/\/[^@/]*@/, '//***@')}): ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'DatabaseUnavailableError';
  }
}

export function isConnectionError(e: unknown): boolean {
  if (e instanceof DatabaseUnavailableError) return true;
  const name = (e as { name?: string } | null)?.name ?? '';
  return /MongoServerSelectionError|MongoNetworkError|MongoNetworkTimeoutError|MongoTopologyClosedError/.test(name);
}
