import { z } from 'zod';
import { text } from './text';
import { channelGroup, defineChannel } from './define';

export const appInfo = defineChannel({
  channel: 'app:info',
  permission: 'session',
  access: 'read',
  input: z.object({}).strict(),
  output: z.object({
    version: text(),
    defaultRegion: text(),
    customerCount: z.number().int(),
    /** Where the core runs: "electron" or "browser-host". */
    host: z.enum(['electron', 'browser-host']),
  }),
});

/** This domain's channels (contracts/index.ts composes every domain's group). */
export const appChannels = channelGroup(appInfo);
