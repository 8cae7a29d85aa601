/** The app's own channel (`app:info`, contracts/app.ts): what runs, where, and how big the cache is. */
import type { appChannels } from '../../../src-shared/contracts/app';
import type { ReadContext, ReadHandlersOf } from './handler-context';

export function appReadHandlers(ctx: ReadContext): ReadHandlersOf<typeof appChannels> {
  return {
    'app:info': () => ({
      version: ctx.version,
      defaultRegion: ctx.defaultRegion,
      customerCount: ctx.db.$client.prepare('SELECT count(*) FROM customers').pluck().get() as number,
      host: ctx.host,
    }),
  };
}
