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
import { SuggestionEngine } from '../suggestions/suggestion-engine';
import { createCoPurchaseStatusQuery } from '../suggestions/co-purchase-miner';
import { OfferLog, OfferStats } from '../offers/offer-log';
import { CallDesk } from '../calls/call-desk';
import type { StepAgent } from '../../../src-shared/auth/permissions';
import type { UserRole } from '../../../src-shared/contracts/server-auth';
import { CallQuery } from '../calls/call-query';
import { ComplaintLog } from '../complaints/complaint-log';
import { ComplaintQuery } from '../complaints/complaint-query';
import { NoteBook } from '../notes/note-book';
import { ProfileEditor } from '../customer/profile-editor';
import { ProfileHistory } from '../customer/profile-history';
import { CustomerTimeline } from '../customer/timeline';
import { PurchaseHistory } from '../customer/purchases';
import { WorklistQuery } from '../worklist/worklist-query';
import type { ChannelOutput, ChannelParsedInput, DbChannel } from '../../../src-shared/contracts';

export type Handler<C extends DbChannel> = (input: ChannelParsedInput<C>) => ChannelOutput<C>;
/** Every channel a database worker answers; `sync` channels are the sync engine's. */
export type HandlerTable = { [C in DbChannel]: Handler<C> };

export interface HandlerContext {
  db: CacheDb;
  defaultRegion: CountryCode;
  host: 'electron' | 'browser-host';
  version: string;
  /** Who is working: the signed-in user (set per call by the db worker from the session's actor). */
  agentId: string;
  /**
   * The signed-in user's role; absent without a signed-in user (the operator's own workstation,
   * tests), who then may step only their own calls and offers.
   */
  agentRole?: UserRole | undefined;
  /** The clock every write stamps with (injectable for tests). */
  now: () => number;
  /** Days an answered offer is not suggested again (offer-rules.ts); the default when absent. */
  offerCooldownDays?: number | undefined;
}

export function createHandlers(ctx: HandlerContext): HandlerTable {
  // Statements are prepared lazily: a reader never prepares the writer's INSERTs, and vice versa.
  let lookup: CallerLookup | undefined;
  let card: ReturnType<typeof createCustomerCardQuery> | undefined;
  let intake: CustomerIntake | undefined;
  // Upsell suggestions (reader) and the offer log (writer).
  let suggestions: SuggestionEngine | undefined;
  let minerStatus: ReturnType<typeof createCoPurchaseStatusQuery> | undefined;
  let offerLog: OfferLog | undefined;
  let offerStats: OfferStats | undefined;
  // Call lifecycle, complaints, notes, contact edits and the 360 reads: created on first use.
  let desk: CallDesk | undefined;
  let callQuery: CallQuery | undefined;
  let complaintLog: ComplaintLog | undefined;
  let complaintQuery: ComplaintQuery | undefined;
  let noteBook: NoteBook | undefined;
  let profileEditor: ProfileEditor | undefined;
  let profileHistory: ProfileHistory | undefined;
  let timeline: CustomerTimeline | undefined;
  let purchases: PurchaseHistory | undefined;
  let worklist: WorklistQuery | undefined;
  const calls = () => (desk ??= new CallDesk(ctx.db, ctx.defaultRegion));
  const complaints = () => (complaintLog ??= new ComplaintLog(ctx.db));
  /** Who steps a call or answers an offer, and whether they may do so to another agent's. */
  const agent = (): StepAgent => ({ agentId: ctx.agentId, role: ctx.agentRole ?? null });
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
    'suggestions:list': (input) => (suggestions ??= new SuggestionEngine(ctx.db, { offerCooldownDays: ctx.offerCooldownDays })).list(input.customerId, { limit: input.limit, now: ctx.now() }),
    'suggestions:status': () => (minerStatus ??= createCoPurchaseStatusQuery(ctx.db))(),
    'offer:present': (input) => (offerLog ??= new OfferLog(ctx.db)).present(input, ctx.agentId, ctx.now()),
    'offer:decide': (input) => (offerLog ??= new OfferLog(ctx.db)).decide(input.offerId, input.outcome, agent(), ctx.now()),
    'offers:stats': (input) => (offerStats ??= new OfferStats(ctx.db)).stats(input),
    'call:start': (input) => calls().start(input, ctx.agentId, ctx.now()),
    'call:attach-customer': (input) => calls().attachCustomer(input, agent(), ctx.now()),
    'call:hold': (input) => calls().hold(input.callId, agent(), ctx.now()),
    'call:resume': (input) => calls().resume(input.callId, agent(), ctx.now()),
    'call:end': (input) => calls().end(input.callId, agent(), ctx.now()),
    'call:wrap-up': (input) => calls().wrapUp(input, agent(), ctx.now()),
    'call:get': (input) => (callQuery ??= new CallQuery(ctx.db)).get(input.callId, ctx.now()),
    'call:current': () => (callQuery ??= new CallQuery(ctx.db)).current(ctx.agentId, ctx.now()),
    'config:lists': () => (callQuery ??= new CallQuery(ctx.db)).lists(),
    'complaint:log': (input) => complaints().log(input, ctx.agentId, ctx.now()),
    'complaint:transition': (input) => complaints().transition(input, ctx.agentId, ctx.now()),
    'complaint:set-follow-up': (input) => complaints().setFollowUp(input, ctx.agentId, ctx.now()),
    'complaint:list': (input) => (complaintQuery ??= new ComplaintQuery(ctx.db)).list(input.customerId, input.statuses, input.limit),
    'complaint:get': (input) => (complaintQuery ??= new ComplaintQuery(ctx.db)).get(input.complaintId),
    'note:add': (input) => (noteBook ??= new NoteBook(ctx.db)).add(input, ctx.agentId, ctx.now()),
    'customer:update-contact': (input) => (profileEditor ??= new ProfileEditor(ctx.db, ctx.defaultRegion)).updateContact(input, ctx.agentId, ctx.now()),
    'customer:edit-history': (input) => (profileHistory ??= new ProfileHistory(ctx.db)).list(input.customerId, input.limit),
    'customer:timeline': (input) => (timeline ??= new CustomerTimeline(ctx.db)).page(input),
    'customer:purchases': (input) => (purchases ??= new PurchaseHistory(ctx.db)).search(input, ctx.now()),
    'order:get': (input) => (purchases ??= new PurchaseHistory(ctx.db)).order(input.orderId),
    'worklist:today': (input) => (worklist ??= new WorklistQuery(ctx.db)).today(ctx.agentId, input.today),
  };
}
