/**
 * The answer to a request Node's HTTP parser refuses before any handler sees it (a URL or headers
 * over the size limit, a malformed request line): still the `{ ok: false, error }` envelope with a
 * typed code, never a bare status line (issue 18, item 15). Used by the central store and the
 * browser host, each writing it to the socket from its `clientError` handler.
 */
import type { ErrorCode } from './result';

export function clientErrorResponse(parserCode: string | undefined): string {
  const [status, reason, message] =
    parserCode === 'HPE_HEADER_OVERFLOW'
      ? [431, 'Request Header Fields Too Large', 'The request line or its headers are too long (an over-long URL, say).']
      : parserCode === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'Request Timeout', 'The request did not arrive in time.']
        : [400, 'Bad Request', 'The request is not valid HTTP.'];
  const code: ErrorCode = 'invalid_input';
  const body = JSON.stringify({ ok: false, error: { code, message } });
  return `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${new TextEncoder().encode(body).length}\r\nConnection: close\r\n\r\n${body}`;
}
