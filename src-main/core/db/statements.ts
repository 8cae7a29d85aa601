/**
 * A statement prepared on its first use, then kept for the connection's life. For statements that
 * need an index a first copy may still be missing (db/deferred-indexes.ts): a service that asks
 * `directoryArriving` first never prepares them while it is true, so not even their plan is made
 * without the index.
 */
export function onFirstUse<T>(prepare: () => T): () => T {
  let prepared: T | undefined;
  return () => (prepared ??= prepare());
}
