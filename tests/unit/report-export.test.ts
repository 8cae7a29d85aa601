/**
 * Exports on the workstation (issue 22), with a stand-in store client: the CSV escaping and its
 * formula guard, the record counter across chunks, the file saved under a free name in the
 * Downloads folder (never a partial file), and report:export's answers offline and on refusal.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { StoreProxy } from '../../src-main/core/auth/store-proxy';
import { CsvRecordCounter, proposedFileName, saveDownloadFile, saveExportFile } from '../../src-main/core/reports/export-file';
import type { StoreClient } from '../../src-main/core/sync/store-client';
import { csvCell, csvLine } from '../../src-shared/reports/csv';

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'switchboard-export-unit-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A body that sends `chunks` and then, if asked, breaks. */
function body(chunks: string[], breakAfter = false): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let i = 0;
  return new ReadableStream({
    pull(controller) {
      if (i < chunks.length) controller.enqueue(encoder.encode(chunks[i++]!));
      else if (breakAfter) controller.error(new TypeError('terminated'));
      else controller.close();
    },
  });
}

describe('CSV cells', () => {
  it('quotes commas, quotes and line breaks, and guards cells that a spreadsheet would run', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    for (const f of ['=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\rx']) expect(csvCell(f).replace(/^"/, '')).toMatch(/^'/);
    expect(csvCell('=HYPERLINK("x","y")')).toBe(`"'=HYPERLINK(""x"",""y"")"`);
    expect(csvCell(-5)).toBe('-5');
    expect(csvCell(null)).toBe('');
    expect(csvLine(['a', 1, null])).toBe('a,1,\r\n');
  });

  it('counts records across chunks, line breaks inside quotes not ending one', () => {
    const c = new CsvRecordCounter();
    for (const chunk of ['h1,h2\r\n"a\n', 'b",1\r\n"x""', '",2\r', '\n']) c.push(chunk);
    expect(c.records).toBe(3);
  });
});

describe('saving an export', () => {
  it('writes the file under a free name and counts its rows', async () => {
    const dir = tempDir();
    const first = await saveExportFile(body(['\uFEFFA,B\r\n', '1,2\r\n3,', '4\r\n']), dir, 'x.csv');
    expect(first).toEqual({ path: join(dir, 'x.csv'), fileName: 'x.csv', rows: 2 });
    const second = await saveExportFile(body(['A\r\n']), dir, 'x.csv');
    expect(second.fileName).toBe('x (2).csv');
    expect(readFileSync(first.path, 'utf8')).toBe('\uFEFFA,B\r\n1,2\r\n3,4\r\n');
  });

  it('leaves nothing behind when the connection breaks', async () => {
    const dir = tempDir();
    await expect(saveExportFile(body(['A\r\n', '1\r\n'], true), dir, 'x.csv')).rejects.toThrow();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('leaves nothing behind when the stream breaks before its first byte, however quickly', async () => {
    const dir = tempDir();
    for (let i = 0; i < 30; i++) {
      await expect(saveExportFile(body([], true), dir, 'x.csv')).rejects.toThrow();
      await expect(saveDownloadFile(body([], true), dir, 'x.zip')).rejects.toThrow();
    }
    expect(readdirSync(dir)).toEqual([]);
  });

  it('takes only a plain .csv name from the store', () => {
    expect(proposedFileName('attachment; filename="switchboard-a.csv"', 'f.csv')).toBe('switchboard-a.csv');
    expect(proposedFileName('attachment; filename="../../etc/passwd"', 'f.csv')).toBe('f.csv');
    expect(proposedFileName(null, 'f.csv')).toBe('f.csv');
  });
});

describe('report:export through the store proxy', () => {
  const input = { filter: { from: '2026-11-01', to: '2026-11-30', currency: 'USD' }, metricId: 'callsHandled', key: {} };
  const client = (answer: Awaited<ReturnType<StoreClient['openDownload']>>, asked: unknown[][] = []) =>
    ({
      openDownload: async (...args: unknown[]) => {
        asked.push(args);
        return answer;
      },
    }) as unknown as StoreClient;

  it('streams the store’s CSV into the Downloads folder and answers where and how many rows', async () => {
    const dir = tempDir();
    const asked: unknown[][] = [];
    const response = new Response(body(['Call\r\n', 'a\r\nb\r\n']), { headers: { 'content-disposition': 'attachment; filename="switchboard-callsHandled.csv"' } });
    const proxy = new StoreProxy({ client: client({ ok: true, value: response, serverTime: null }, asked), token: () => 'session', downloadsDir: dir });
    const r = await proxy.call('report:export', input);
    expect(r).toEqual({ ok: true, value: { path: join(dir, 'switchboard-callsHandled.csv'), fileName: 'switchboard-callsHandled.csv', rows: 2 } });
    expect(asked[0]?.slice(0, 3)).toEqual(['/reports/export', 'session', input]);
  });

  it('is refused offline with a sentence, and passes the store’s refusal on', async () => {
    const dir = tempDir();
    const none = await new StoreProxy({ client: null, token: () => null, downloadsDir: dir }).call('report:export', input);
    expect(none).toMatchObject({ ok: false, error: { code: 'unavailable', message: expect.stringMatching(/^Exports come from the central store/) } });
    const offline = await new StoreProxy({ client: client({ ok: true, value: new Response('x'), serverTime: null }), token: () => null, downloadsDir: dir }).call('report:export', input);
    expect(offline).toMatchObject({ ok: false, error: { code: 'unavailable', message: expect.stringMatching(/^Exports come from the central store/) } });
    const refused = await new StoreProxy({
      client: client({ ok: false, failure: { kind: 'permanent', status: 403, code: 'forbidden', message: 'Your role (CSR) does not allow this.' } }),
      token: () => 's',
      downloadsDir: dir,
    }).call('report:export', input);
    expect(refused).toEqual({ ok: false, error: { code: 'forbidden', message: 'Your role (CSR) does not allow this.' } });
    const broken = await new StoreProxy({ client: client({ ok: true, value: new Response(body(['Call\r\n', 'a\r\n'], true)), serverTime: null }), token: () => 's', downloadsDir: dir }).call('report:export', input);
    expect(broken).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    expect(readdirSync(dir)).toEqual([]);
  });
});
