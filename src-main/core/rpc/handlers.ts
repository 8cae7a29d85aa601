/**
 * The database workers' handler tables, composed from each domain's handler module (the
 * `*-channels.ts` file next to the domain's services). Handlers only translate: input already
 * validated by the contract → service → output. Each runs inside the worker that owns its
 * connection: the reader answers `read` channels with a `ReadableDb`; the writer answers `write`
 * channels (and, with the same handle, any read it is asked) with the `WritableDb`.
 *
 * Exhaustive by type (issue 20): each domain module returns exactly its group's read or write
 * handlers, and `exactly` below refuses a table with a channel missing or one too many, so a
 * channel declared in a contract module without a handler fails the type check.
 */
import type { HandlerTable, ReadContext, ReadHandlerTable, WriteContext, WriteHandlerTable } from './handler-context';
import { appReadHandlers } from './app-channels';
import { lookupReadHandlers } from '../lookup/lookup-channels';
import { customerReadHandlers, customerWriteHandlers } from '../customer/customer-channels';
import { customer360ReadHandlers, customer360WriteHandlers } from '../customer/customer360-channels';
import { suggestionReadHandlers, suggestionWriteHandlers } from '../suggestions/suggestion-channels';
import { callReadHandlers, callWriteHandlers } from '../calls/call-channels';
import { complaintReadHandlers, complaintWriteHandlers } from '../complaints/complaint-channels';
import { noteWriteHandlers } from '../notes/note-channels';
import { worklistReadHandlers } from '../worklist/worklist-channels';
import { orderReadHandlers, orderWriteHandlers } from '../orders/order-channels';
import { catalogueReadHandlers } from '../catalogue/catalogue-channels';
import { reportReadHandlers } from '../reports/report-channels';

export type { DbHandlers, Handler, HandlerContext, HandlerTable, ReadContext, ReadHandlerTable, WriteContext, WriteHandlerTable } from './handler-context';

/** `table` has every key of `T` and no other: a missing or an extra channel fails the type check. */
function exactly<T>() {
  return <U extends T>(table: U & { [K in Exclude<keyof U, keyof T>]: never }): T => table;
}

/** The reader's table. Statements are prepared lazily: a reader never prepares the writer's INSERTs. */
export function createReadHandlers(ctx: ReadContext): ReadHandlerTable {
  return exactly<ReadHandlerTable>()({
    ...appReadHandlers(ctx),
    ...lookupReadHandlers(ctx),
    ...customerReadHandlers(ctx),
    ...customer360ReadHandlers(ctx),
    ...suggestionReadHandlers(ctx),
    ...callReadHandlers(ctx),
    ...complaintReadHandlers(ctx),
    ...worklistReadHandlers(ctx),
    ...orderReadHandlers(ctx),
    ...catalogueReadHandlers(ctx),
    ...reportReadHandlers(ctx),
  });
}

/** The writer's own channels. */
export function createWriteHandlers(ctx: WriteContext): WriteHandlerTable {
  return exactly<WriteHandlerTable>()({
    ...customerWriteHandlers(ctx),
    ...customer360WriteHandlers(ctx),
    ...suggestionWriteHandlers(ctx),
    ...callWriteHandlers(ctx),
    ...complaintWriteHandlers(ctx),
    ...noteWriteHandlers(ctx),
    ...orderWriteHandlers(ctx),
  });
}

/** Every database channel on one writable connection (the writer worker; in-process hosts and tests). */
export function createHandlers(ctx: WriteContext): HandlerTable {
  return { ...createReadHandlers(ctx), ...createWriteHandlers(ctx) };
}
