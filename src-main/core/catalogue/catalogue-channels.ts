/** Handlers for the catalogue channels (contracts/catalogue.ts). */
import type { catalogueChannels } from '../../../src-shared/contracts/catalogue';
import type { ReadContext, ReadHandlersOf } from '../rpc/handler-context';
import { CatalogueSearch } from './catalogue-search';

export function catalogueReadHandlers(ctx: ReadContext): ReadHandlersOf<typeof catalogueChannels> {
  // Statements are prepared on first use.
  let search: CatalogueSearch | undefined;
  return {
    'catalogue:search': (input) => (search ??= new CatalogueSearch(ctx.db)).search(input),
  };
}
