/**
 * The one Content-Security-Policy of our pages: Electron's app:// protocol, the browser host and
 * the built index.html all send this string. No inline script or style, no eval, nothing but our
 * own origin. (`frame-ancestors` is ignored in a <meta> tag; the headers carry it.)
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'none'",
].join('; ');
