/**
 * Where `npm start`'s demo store writes customer mail (issue 23): a `mail` folder beside the
 * store's data folder (not in it: that is PGlite's PostgreSQL directory), unless a mail server or
 * another folder is named in the environment.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultStoreDataDir, defaultStoreMailDir, storeMailEnv } from '../../scripts/central-store.mjs';

describe('the demo store’s mail folder', () => {
  it('is `mail` beside the data folder, under XDG_DATA_HOME', () => {
    const dataDir = defaultStoreDataDir({ XDG_DATA_HOME: '/home/zoe/.data' });
    expect(dataDir).toBe(join('/home/zoe/.data', 'switchboard', 'central-store'));
    expect(defaultStoreMailDir(dataDir)).toBe(join('/home/zoe/.data', 'switchboard', 'mail'));
  });

  it('is set for the store unless a mail server or another folder is named, and says where mail goes', () => {
    expect(storeMailEnv({}, '/d/switchboard/central-store')).toEqual({
      env: { SWITCHBOARD_MAIL_DIR: join('/d/switchboard', 'mail') },
      where: expect.stringContaining(join('/d/switchboard', 'mail')),
    });
    expect(storeMailEnv({ SWITCHBOARD_MAIL_DIR: '/srv/mail' }, '/d/store').env).toEqual({ SWITCHBOARD_MAIL_DIR: '/srv/mail' });
    const smtp = storeMailEnv({ SWITCHBOARD_SMTP_URL: 'smtp://u:secret@mail.example.com' }, '/d/store');
    expect(smtp.env).toEqual({});
    expect(smtp.where).not.toContain('secret');
  });
});
