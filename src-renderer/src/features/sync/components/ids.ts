/** Element ids the status bar and the panel share: the panel returns focus to its opener by id. */
export const SYNC_PANEL_ID = 'sync-panel';
export const SYNC_DETAILS_BUTTON_ID = 'sync-details-button';
export const SYNC_ATTENTION_BUTTON_ID = 'sync-attention-button';
