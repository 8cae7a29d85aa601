// pino-roll ships no types; this is the part of its API the log file uses (pino-roll.js, v4).
declare module 'pino-roll' {
  import type SonicBoom from 'sonic-boom';
  import type { SonicBoomOpts } from 'sonic-boom';

  export interface PinoRollOptions extends Omit<SonicBoomOpts, 'dest'> {
    file: string;
    /** e.g. '10m'; a plain number is megabytes. */
    size?: string | number;
    /** 'daily', 'hourly', or milliseconds. */
    frequency?: 'daily' | 'hourly' | number;
    extension?: string;
    symlink?: boolean;
    /** `count`: files kept besides the current one. */
    limit?: { count?: number; removeOtherLogFiles?: boolean };
    /** A date-fns format put into each file's name, e.g. 'yyyy-MM-dd'. */
    dateFormat?: string;
  }

  export default function pinoRoll(options: PinoRollOptions): Promise<SonicBoom>;
}
