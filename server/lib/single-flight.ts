/**
 * Concurrent callers asking for the same key share one computation: when a cached value expires under
 * load, a hundred requests asking at once run the query once. `inFlight` is the caller's own map (kept
 * where its cache is, e.g. on globalThis); the key is removed when the computation settles, so a failure
 * is not remembered.
 */
export function singleFlight<T>(inFlight: Map<string, Promise<unknown>>, key: string, load: () => Promise<T>): Promise<T> {
  let p = inFlight.get(key) as Promise<T> | undefined;
  if (!p) {
    p = load().finally(() => inFlight.delete(key));
    inFlight.set(key, p);
  }
  return p;
}
