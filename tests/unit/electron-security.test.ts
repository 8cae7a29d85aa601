import { describe, expect, it } from 'vitest';
import { join, resolve } from 'node:path';
import {
  APP_ENTRY_URL,
  CONTENT_SECURITY_POLICY,
  chooseDefaultRegion,
  devContentSecurityPolicy,
  devServerUrlFrom,
  findDeepLinkArgument,
  isAllowedExternalUrl,
  isOwnPageUrl,
  isTrustedSender,
  parseDeepLink,
  resolveRendererFile,
} from '../../src-main/electron/security';

describe('content security policy', () => {
  const directives = new Map(
    CONTENT_SECURITY_POLICY.split(';').map((part) => {
      const [name, ...values] = part.trim().split(/\s+/);
      return [name, values.join(' ')] as const;
    }),
  );

  it('has no unsafe-inline, unsafe-eval or wildcard anywhere', () => {
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-inline|unsafe-eval|unsafe-hashes|\*/);
  });

  it('pins every directive the app relies on', () => {
    expect(Object.fromEntries(directives)).toEqual({
      'default-src': "'self'",
      'script-src': "'self'",
      'style-src': "'self'",
      'img-src': "'self' data:",
      'connect-src': "'self'",
      'font-src': "'self'",
      'object-src': "'none'",
      'base-uri': "'none'",
      'frame-ancestors': "'none'",
      'form-action': "'none'",
    });
  });

  it('relaxes only for the dev server, and never allows eval', () => {
    const dev = devContentSecurityPolicy('http://localhost:5173/');
    expect(dev).toContain("connect-src 'self' ws://localhost:5173");
    expect(dev).not.toContain('unsafe-eval');
    expect(dev).toContain("object-src 'none'");
  });
});

describe('isOwnPageUrl', () => {
  it('accepts the app:// origin and nothing that merely looks like it', () => {
    expect(isOwnPageUrl(APP_ENTRY_URL, {})).toBe(true);
    expect(isOwnPageUrl('app://switchboard/assets/index-abc.js', {})).toBe(true);
    expect(isOwnPageUrl('app://evil/index.html', {})).toBe(false);
    expect(isOwnPageUrl('app://user@switchboard/index.html', {})).toBe(false);
    expect(isOwnPageUrl('https://switchboard/index.html', {})).toBe(false);
    expect(isOwnPageUrl('file:///work/out/renderer/index.html', {})).toBe(false);
    expect(isOwnPageUrl('not a url', {})).toBe(false);
  });

  it('trusts the dev server origin only when one is configured', () => {
    expect(isOwnPageUrl('http://localhost:5173/src/main.tsx', {})).toBe(false);
    expect(isOwnPageUrl('http://localhost:5173/src/main.tsx', { devServerUrl: 'http://localhost:5173/' })).toBe(true);
    expect(isOwnPageUrl('http://localhost:5174/', { devServerUrl: 'http://localhost:5173/' })).toBe(false);
  });
});

describe('isTrustedSender', () => {
  const main = { url: APP_ENTRY_URL, parent: null };

  it('accepts the top-level frame of our page', () => {
    expect(isTrustedSender(main, main, {})).toBe(true);
  });

  it('refuses a sub-frame, even one on our origin', () => {
    const child = { url: 'app://switchboard/embedded.html', parent: main };
    expect(isTrustedSender(child, main, {})).toBe(false);
  });

  it('refuses a top-level frame on a foreign origin', () => {
    const foreign = { url: 'https://attacker.example/', parent: null };
    expect(isTrustedSender(foreign, foreign, {})).toBe(false);
  });

  it('refuses a frame that is gone', () => {
    expect(isTrustedSender(null, main, {})).toBe(false);
    expect(isTrustedSender(undefined, main, {})).toBe(false);
  });
});

describe('isAllowedExternalUrl', () => {
  it.each(['https://example.com/help', 'http://example.com/', 'https://shop.example.com/order/SB00012345?x=1'])('allows %s', (url) => {
    expect(isAllowedExternalUrl(url)).toBe(true);
  });

  it.each([
    'file:///etc/passwd',
    'javascript:alert(1)',
    'smb://fileserver/share',
    'ms-msdt:/id PCWDiagnostic',
    'switchboard://call?from=1',
    'https://user:pass@example.com/',
    'https://user@example.com/',
    'data:text/html,hi',
    '//example.com',
    'not a url',
  ])('refuses %s', (url) => {
    expect(isAllowedExternalUrl(url)).toBe(false);
  });
});

describe('parseDeepLink', () => {
  it('reads an encoded international number', () => {
    expect(parseDeepLink('switchboard://call?from=%2B442079460958')).toEqual({ ok: true, link: { kind: 'call', from: '+442079460958' } });
  });

  it('keeps an unencoded plus as the international prefix', () => {
    expect(parseDeepLink('switchboard://call?from=+442079460958')).toEqual({ ok: true, link: { kind: 'call', from: '+442079460958' } });
  });

  it('accepts the path form, a trailing slash and formatted numbers', () => {
    expect(parseDeepLink('switchboard:call?from=020%207946%200958')).toMatchObject({ ok: true, link: { from: '020 7946 0958' } });
    expect(parseDeepLink('switchboard://call/?from=(415)%20555-0100')).toMatchObject({ ok: true, link: { from: '(415) 555-0100' } });
  });

  it.each([
    ['another action', 'switchboard://evil'],
    ['another action with a number', 'switchboard://evil?from=123'],
    ['a nested path', 'switchboard://call/../evil?from=123'],
    ['another scheme', 'https://call?from=123'],
    ['a file URL', 'file:///call?from=123'],
    ['no from', 'switchboard://call'],
    ['an empty from', 'switchboard://call?from='],
    ['two froms', 'switchboard://call?from=1&from=2'],
    ['letters', 'switchboard://call?from=%3Cscript%3E'],
    ['no digits', 'switchboard://call?from=%2B%2B'],
    ['a 500-character from', `switchboard://call?from=${'1'.repeat(500)}`],
    ['41 characters', `switchboard://call?from=${'1'.repeat(41)}`],
    ['broken percent-encoding', 'switchboard://call?from=%E0%A4%A'],
    ['credentials', 'switchboard://me@call?from=123'],
  ])('refuses %s', (_label, url) => {
    const parsed = parseDeepLink(url);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason.length).toBeGreaterThan(0);
  });

  it('accepts exactly 40 characters', () => {
    expect(parseDeepLink(`switchboard://call?from=${'1'.repeat(40)}`).ok).toBe(true);
  });
});

describe('findDeepLinkArgument', () => {
  it('takes the link among Chromium flags, the last one if several', () => {
    expect(findDeepLinkArgument(['/opt/Switchboard/switchboard', '--no-sandbox', 'switchboard://call?from=1', 'SWITCHBOARD://call?from=2'])).toBe(
      'SWITCHBOARD://call?from=2',
    );
    expect(findDeepLinkArgument(['electron', '.', '--inspect'])).toBeNull();
  });
});

describe('resolveRendererFile', () => {
  const root = resolve('/srv/out/renderer');

  it('maps our URLs into the renderer folder', () => {
    expect(resolveRendererFile(root, 'app://switchboard/')).toBe(join(root, 'index.html'));
    expect(resolveRendererFile(root, 'app://switchboard/index.html')).toBe(join(root, 'index.html'));
    expect(resolveRendererFile(root, 'app://switchboard/assets/index-1a2b.js?v=1')).toBe(join(root, 'assets', 'index-1a2b.js'));
  });

  it('keeps dot segments inside the folder (URL parsing removes them before we see the path)', () => {
    expect(resolveRendererFile(root, 'app://switchboard/../../etc/passwd')).toBe(join(root, 'etc', 'passwd'));
    expect(resolveRendererFile(root, 'app://switchboard/%2e%2e/%2e%2e/etc/passwd')).toBe(join(root, 'etc', 'passwd'));
  });

  it.each([
    'app://switchboard/assets/..%2f..%2f..%2fetc%2fpasswd',
    'app://switchboard/..%5c..%5cwindows%5cwin.ini',
    'app://switchboard/%00index.html',
    'app://switchboard/%E0%A4%A',
    'app://other/index.html',
    'file:///srv/out/renderer/index.html',
  ])('refuses %s', (url) => {
    expect(resolveRendererFile(root, url)).toBeNull();
  });
});

describe('chooseDefaultRegion', () => {
  it('prefers SWITCHBOARD_REGION, then the OS region, then the locale, then US', () => {
    expect(chooseDefaultRegion({ envRegion: 'de', localeCountryCode: 'GB', systemLocale: 'fr-FR' })).toBe('DE');
    expect(chooseDefaultRegion({ envRegion: 'Germany', localeCountryCode: 'GB' })).toBe('GB');
    expect(chooseDefaultRegion({ localeCountryCode: '', systemLocale: 'fr_FR' })).toBe('FR');
    expect(chooseDefaultRegion({ systemLocale: 'en' })).toBe('US');
    expect(chooseDefaultRegion({})).toBe('US');
  });
});

describe('devServerUrlFrom', () => {
  it('uses a loopback ELECTRON_RENDERER_URL only when not packaged', () => {
    expect(devServerUrlFrom({ ELECTRON_RENDERER_URL: 'http://localhost:5173' }, false)).toBe('http://localhost:5173/');
    expect(devServerUrlFrom({ ELECTRON_RENDERER_URL: 'http://localhost:5173' }, true)).toBeUndefined();
    expect(devServerUrlFrom({ ELECTRON_RENDERER_URL: 'https://attacker.example/' }, false)).toBeUndefined();
    expect(devServerUrlFrom({ ELECTRON_RENDERER_URL: 'file:///tmp/index.html' }, false)).toBeUndefined();
    expect(devServerUrlFrom({}, false)).toBeUndefined();
  });
});
