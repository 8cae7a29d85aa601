/**
 * The handler table: one function per channel, shared by Electron's ipcMain and the browser host.
 * Handlers only translate: input already validated by the contract → service → output.
 * Each runs inside the worker that owns its connection (readers for `read`, the writer for `write`).
 */
import type { CountryCode } from 'libphonenumber-js/max';
import type { CacheDb } from '../db/open';
import { CallerLookup } from '../lookup/caller-lookup';
import { createCustomerCardQuery } from '../customer/customer-card';
import { CustomerIntake } from '../customer/customer-intake';
import type { Channel, ChannelOutput, ChannelParsedInput } from '../../../src-shared/contracts';

export type Handler<C extends Channel> = (input: ChannelParsedInput<C>) => ChannelOutput<C>;
export type HandlerTable = { [C in Channel]: Handler<C> };

export interface HandlerContext {
  db: CacheDb;
  defaultRegion: CountryCode;
  host: 'electron' | 'browser-host';
  version: string;
  /** Who is working: the signed-in user once sign-in exists; until then this workstation's operator. */
  agentId: string;
  /** The clock every write stamps with (injectable for tests). */
  now: () => number;
}

export function createHandlers(ctx: HandlerContext): HandlerTable {
  // Statements are prepared lazily: a reader never prepares the writer's INSERTs, and vice versa.
  let lookup: CallerLookup | undefined;
  let card: ReturnType<typeof createCustomerCardQuery> | undefined;
  let intake: CustomerIntake | undefined;
  const countCustomers = () => ctx.db.$client.prepare('SELECT count(*) FROM customers').pluck().get() as number;

  return {
    'app:info': () => ({
      version: ctx.version,
      defaultRegion: ctx.defaultRegion,
      customerCount: countCustomers(),
      host: ctx.host,
    }),
    'lookup:search': (input) => (lookup ??= new CallerLookup(ctx.db, { defaultRegion: ctx.defaultRegion })).search(input),
    'customer:get': (input) => (card ??= createCustomerCardQuery(ctx.db))(input.customerId),
    'customer:create': (input) => (intake ??= new CustomerIntake(ctx.db, ctx.defaultRegion)).create(input, ctx.now()),
  };
}
