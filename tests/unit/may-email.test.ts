/**
 * mayEmail (issue 23, server/src/email/consent.ts): transactional mail without marketing consent,
 * marketing mail only with it, nothing without an address or when email is forbidden altogether.
 */
import { describe, expect, it } from 'vitest';
import { mayEmail } from '../../server/src/email/consent';
import { escapeHtml, renderTemplate, unknownPlaceholders } from '../../server/src/email/templates';

describe('mayEmail', () => {
  const base = { email: 'zoe@example.test', marketingConsent: false };
  it('allows transactional mail without marketing consent, and marketing mail only with it', () => {
    expect(mayEmail(base, 'transactional')).toEqual({ allowed: true, to: 'zoe@example.test' });
    expect(mayEmail(base, 'marketing')).toEqual({ allowed: false, reason: 'no_marketing_consent' });
    expect(mayEmail({ ...base, marketingConsent: true }, 'marketing')).toEqual({ allowed: true, to: 'zoe@example.test' });
    // Per-channel consent, where known, speaks for email in particular.
    expect(mayEmail({ ...base, marketingConsent: true, emailMarketingConsent: false }, 'marketing')).toMatchObject({ allowed: false });
  });
  it('sends nothing without an address, or when the customer forbids email altogether', () => {
    expect(mayEmail({ ...base, email: null }, 'transactional')).toEqual({ allowed: false, reason: 'no_email_address' });
    expect(mayEmail({ ...base, email: '  ' }, 'transactional')).toEqual({ allowed: false, reason: 'no_email_address' });
    expect(mayEmail({ ...base, emailForbidden: true }, 'transactional')).toEqual({ allowed: false, reason: 'consent_forbids_email' });
  });
});

describe('templates', () => {
  it('escape every value in the HTML, keep the text plain, and keep the subject on one line', () => {
    const r = renderTemplate({ subject: 'Hi {{firstName}}', text: 'Dear {{firstName}}', html: '<p>{{ firstName }}</p><p>{{items}}</p>' }, { firstName: '<script>"x"\n&\'', items: 'a\nb' });
    expect(r.html).toBe('<p>&lt;script&gt;&quot;x&quot;<br>\n&amp;&#39;</p><p>a<br>\nb</p>');
    expect(r.text).toBe('Dear <script>"x"\n&\'');
    expect(r.subject).toBe('Hi <script>"x" &\'');
    expect(escapeHtml('<>&"\'')).toBe('&lt;&gt;&amp;&quot;&#39;');
  });
  it('name unknown and broken placeholders', () => {
    expect(unknownPlaceholders('order_confirmation', '{{orderNumber}} {{ total }}')).toEqual([]);
    expect(unknownPlaceholders('order_confirmation', '{{complaintReference}} {{x y}}')).toEqual(['complaintReference', 'x y']);
    expect(unknownPlaceholders('complaint_acknowledgement', 'Hi {{firstName}')).toEqual(['{{']);
  });
});
