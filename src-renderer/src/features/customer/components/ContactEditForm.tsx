import { useState } from 'react';
import { useFieldArray, useForm, type FieldPath } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import { z } from 'zod';
import { CONTACT_LIMITS, contactAddress, contactForm, contactPhone, type ContactForm } from '../../../../../src-shared/contracts/customer360';
import type { CustomerCard } from '../../../../../src-shared/contracts/customer';
import { PHONE_KINDS } from '../../../../../src-shared/domain/customer';
import {
  anyMarketingConsent,
  CONSENT_CHANNEL_LABELS,
  CONSENT_CHANNELS,
  CONSENT_SOURCE_LABELS,
  CONSENT_SOURCES,
  type ConsentChannel,
} from '../../../../../src-shared/domain/consent';
import { UNVERIFIED_PHONE_WARNING } from '../../../../../src-shared/domain/phone';
import { switchboard } from '../../../api/client';
import { useAppStore } from '../../../app/store';
import { SelectField, TextField } from '../../../ui/fields';
import { PHONE_KIND_LABELS } from './ProfilePanels';

const CONSENT_FORM_KEY = { email: 'consentEmail', phone: 'consentPhone', sms: 'consentSms' } as const satisfies Record<ConsentChannel, string>;

const ADDRESS_KEYS = ['line1', 'line2', 'city', 'region', 'postalCode', 'country'] as const;

/** The phone list as typed, to tell whether it changed since the core refused it. */
const phoneListKey = (phones: readonly { number: string }[]) => JSON.stringify(phones.map((p) => p.number.trim()));

/**
 * The form's own shape (react-hook-form lists hold objects, and an address is "none" when every
 * field is empty), built from the contract's field schemas so the limits and messages are the
 * contract's; it turns into the contract's `ContactForm` on submit.
 */
const addressFields = z
  .object({
    line1: z.string(),
    line2: z.string(),
    city: z.string(),
    region: z.string(),
    postalCode: z.string(),
    country: z.string(),
  })
  // Checked on the address itself, not on the whole form: zod runs a form-level refinement only
  // once every other field passes, which showed the address's errors one save after the rest's
  // (issue 19, item 12). Every field's error now shows on the same save.
  .superRefine((address, ctx) => {
    if (ADDRESS_KEYS.every((k) => address[k].trim() === '')) return;
    const parsed = contactAddress.safeParse(address);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path });
    }
  });
const contactEditForm = z
  .object({
    firstName: contactForm.shape.firstName,
    lastName: contactForm.shape.lastName,
    phones: z.array(contactPhone).max(CONTACT_LIMITS.phones, { message: `At most ${CONTACT_LIMITS.phones} phone numbers.` }),
    emails: z.array(z.object({ value: contactForm.shape.emails.element })).max(CONTACT_LIMITS.emails, {
      message: `At most ${CONTACT_LIMITS.emails} email addresses.`,
    }),
    address: addressFields,
    consentEmail: z.boolean(),
    consentPhone: z.boolean(),
    consentSms: z.boolean(),
    consentSource: z.enum(['', ...CONSENT_SOURCES]),
  })
  .transform((form): ContactForm => {
    const empty = ADDRESS_KEYS.every((k) => form.address[k].trim() === '');
    const a = form.address;
    const opt = (v: string) => (v.trim() === '' ? undefined : v.trim());
    return {
      firstName: form.firstName,
      lastName: form.lastName,
      phones: form.phones,
      emails: form.emails.map((e) => e.value),
      primaryAddress: empty
        ? null
        : { line1: a.line1.trim(), line2: opt(a.line2), city: a.city.trim(), region: opt(a.region), postalCode: opt(a.postalCode), country: a.country.trim().toUpperCase() },
      // The single flag older workstations read: consent on any channel (issue 23).
      marketingConsent: anyMarketingConsent(form),
      consentEmail: form.consentEmail,
      consentPhone: form.consentPhone,
      consentSms: form.consentSms,
      ...(form.consentSource ? { consentSource: form.consentSource } : {}),
    };
  });
type FormInput = z.input<typeof contactEditForm>;

function defaults(card: CustomerCard): FormInput {
  const primary = card.addresses.find((a) => a.isPrimary) ?? card.addresses[0];
  return {
    firstName: card.firstName,
    lastName: card.lastName,
    phones: card.phones.map((p) => ({ number: p.display || p.e164, kind: p.kind })),
    emails: card.emails.map((e) => ({ value: e.email })),
    address: {
      line1: primary?.line1 ?? '',
      line2: primary?.line2 ?? '',
      city: primary?.city ?? '',
      region: primary?.region ?? '',
      postalCode: primary?.postalCode ?? '',
      country: primary?.country ?? '',
    },
    consentEmail: card.consentEmail,
    consentPhone: card.consentPhone,
    consentSms: card.consentSms,
    consentSource: '',
  };
}

/** The form field a core refusal names (`phones.1.number`, `emails.0`, `primaryAddress.country`), if it is one of ours. */
function formField(field: string | undefined): FieldPath<FormInput> | null {
  if (field === undefined) return null;
  if (field === 'firstName' || field === 'lastName') return field;
  let m = /^phones\.(\d+)\.(number|kind)$/.exec(field);
  if (m) return `phones.${Number(m[1])}.${m[2] as 'number' | 'kind'}`;
  m = /^emails\.(\d+)$/.exec(field);
  if (m) return `emails.${Number(m[1])}.value`;
  m = /^primaryAddress\.(line1|line2|city|region|postalCode|country)$/.exec(field);
  if (m) return `address.${m[1] as (typeof ADDRESS_KEYS)[number]}`;
  return null;
}

const FIELD_LABELS: Record<string, string> = {
  first_name: 'First name',
  last_name: 'Last name',
  phones: 'Phones',
  emails: 'Emails',
  primary_address: 'Address',
  marketing_consent: 'Marketing consent',
  consent_email: 'E-mail marketing',
  consent_phone: 'Phone marketing',
  consent_sms: 'SMS marketing',
};

/** Edits the contact record: phones are normalised and emails checked by the core on save. */
export function ContactEditForm({ card, onDone }: { card: CustomerCard; onDone(saved: string | null): void }) {
  const callId = useAppStore((s) => s.call?.id);
  const [formError, setFormError] = useState<string | null>(null);
  const {
    register,
    control,
    handleSubmit,
    watch,
    setError,
    formState: { errors, isSubmitting },
  } = useForm<FormInput, unknown, ContactForm>({ resolver: zodResolver(contactEditForm), defaultValues: defaults(card) });
  const phones = useFieldArray({ control, name: 'phones' });
  const emails = useFieldArray({ control, name: 'emails' });
  const values = watch();

  // The numbers the core refused only because the phone library cannot read them: the CSR may
  // keep them as typed, marked unverified, after confirming (issue 18), while the list still holds them.
  const [unreadablePhones, setUnreadablePhones] = useState<string | null>(null);
  const save = async (form: ContactForm, keepUnverifiedPhones: boolean) => {
    setFormError(null);
    const result = await switchboard().customerUpdateContact({
      ...form,
      customerId: card.id,
      ...(callId ? { callId } : {}),
      ...(keepUnverifiedPhones ? { keepUnverifiedPhones } : {}),
    });
    if (!result.ok) {
      setUnreadablePhones(result.error.code === 'unparseable_phone' ? phoneListKey(form.phones) : null);
      const field = formField(result.error.field);
      if (field) setError(field, { type: 'server', message: result.error.message }, { shouldFocus: true });
      else setFormError(result.error.message);
      return;
    }
    const changed = result.value.changes.map((c) => FIELD_LABELS[c.field] ?? c.field);
    onDone(changed.length === 0 ? 'Saved — nothing had changed.' : `Saved: ${changed.join(', ')} changed.`);
  };
  const onSubmit = handleSubmit((form) => save(form, false));
  const onKeepUnverified = handleSubmit((form) => save(form, true));
  const offerUnverified = unreadablePhones !== null && phoneListKey(values.phones) === unreadablePhones;

  return (
    <section className="panel panel--wide" aria-labelledby="contact-edit-heading">
      <h3 id="contact-edit-heading" className="panel__title">
        Edit contact
      </h3>
      <form
        className="form form--wide"
        noValidate
        aria-labelledby="contact-edit-heading"
        onSubmit={(event) => void onSubmit(event)}
        onKeyDown={(event) => {
          if (event.key === 'Escape') {
            event.preventDefault();
            onDone(null);
          }
        }}
      >
        <div className="form__grid form__grid--3">
          <TextField label="First name" registration={register('firstName')} error={errors.firstName?.message} maxLength={CONTACT_LIMITS.name} length={values.firstName.length} autoFocus />
          <TextField label="Last name" registration={register('lastName')} error={errors.lastName?.message} maxLength={CONTACT_LIMITS.name} length={values.lastName.length} />
        </div>

        <fieldset className="fieldset">
          <legend>Marketing consent (the customer’s choice, per channel)</legend>
          <div className="form__grid form__grid--3">
            {CONSENT_CHANNELS.map((channel) => (
              <div className="field field--check" key={channel}>
                <label className="check">
                  <input type="checkbox" {...register(CONSENT_FORM_KEY[channel])} /> {CONSENT_CHANNEL_LABELS[channel]}
                </label>
              </div>
            ))}
          </div>
          <SelectField label="On whose word" registration={register('consentSource')} error={errors.consentSource?.message} optional>
            {CONSENT_SOURCES.map((source) => (
              <option key={source} value={source}>
                {CONSENT_SOURCE_LABELS[source]}
              </option>
            ))}
          </SelectField>
        </fieldset>

        <fieldset className="fieldset">
          <legend>Phones (first is primary; at most {CONTACT_LIMITS.phones})</legend>
          {phones.fields.map((field, i) => (
            <div className="form__row" key={field.id}>
              <TextField
                label={`Phone ${i + 1}`}
                type="tel"
                registration={register(`phones.${i}.number`)}
                error={errors.phones?.[i]?.number?.message}
                maxLength={CONTACT_LIMITS.phoneRaw}
                length={values.phones[i]?.number.length ?? 0}
                hint="Any format; saved in international form."
              />
              <SelectField label={`Phone ${i + 1} kind`} registration={register(`phones.${i}.kind`)} error={errors.phones?.[i]?.kind?.message}>
                {PHONE_KINDS.map((k) => (
                  <option key={k} value={k}>
                    {PHONE_KIND_LABELS[k]}
                  </option>
                ))}
              </SelectField>
              <button type="button" className="button button--quiet form__remove" onClick={() => phones.remove(i)}>
                Remove phone {i + 1}
              </button>
            </div>
          ))}
          {errors.phones?.message && <p className="field__error">{errors.phones.message}</p>}
          {phones.fields.length < CONTACT_LIMITS.phones && (
            <button type="button" className="button button--quiet" onClick={() => phones.append({ number: '', kind: 'mobile' })}>
              + Add phone
            </button>
          )}
        </fieldset>

        <fieldset className="fieldset">
          <legend>Emails (first is primary; at most {CONTACT_LIMITS.emails})</legend>
          {emails.fields.map((field, i) => (
            <div className="form__row" key={field.id}>
              <TextField
                label={`Email ${i + 1}`}
                type="email"
                registration={register(`emails.${i}.value`)}
                error={errors.emails?.[i]?.value?.message}
                maxLength={CONTACT_LIMITS.email}
                length={values.emails[i]?.value.length ?? 0}
              />
              <button type="button" className="button button--quiet form__remove" onClick={() => emails.remove(i)}>
                Remove email {i + 1}
              </button>
            </div>
          ))}
          {emails.fields.length < CONTACT_LIMITS.emails && (
            <button type="button" className="button button--quiet" onClick={() => emails.append({ value: '' })}>
              + Add email
            </button>
          )}
        </fieldset>

        <fieldset className="fieldset">
          {/* The address is optional as a whole; given, its street, city and country are needed (issue 19, item 12). */}
          <legend>Primary address (optional: leave every field empty for none; with an address, Address, City and Country are needed)</legend>
          <div className="form__grid form__grid--3">
            <TextField label="Address" registration={register('address.line1')} error={errors.address?.line1?.message} maxLength={CONTACT_LIMITS.addressLine} length={values.address.line1.length} />
            <TextField label="Address line 2" registration={register('address.line2')} error={errors.address?.line2?.message} maxLength={CONTACT_LIMITS.addressLine} length={values.address.line2.length} optional />
            <TextField label="City" registration={register('address.city')} error={errors.address?.city?.message} maxLength={CONTACT_LIMITS.city} length={values.address.city.length} />
            <TextField label="Region" registration={register('address.region')} error={errors.address?.region?.message} maxLength={CONTACT_LIMITS.region} length={values.address.region.length} optional />
            <TextField label="Postal code" registration={register('address.postalCode')} error={errors.address?.postalCode?.message} maxLength={CONTACT_LIMITS.postalCode} length={values.address.postalCode.length} optional />
            <TextField label="Country" registration={register('address.country')} error={errors.address?.country?.message} maxLength={2} length={values.address.country.length} hint="Two letters, e.g. GB" />
          </div>
        </fieldset>

        {offerUnverified && (
          <div className="notice notice--warn" role="alert">
            <p>The phone library cannot verify a number in the list. {UNVERIFIED_PHONE_WARNING}</p>
            <button type="button" className="button" disabled={isSubmitting} onClick={() => void onKeepUnverified()}>
              Save anyway as unverified
            </button>
          </div>
        )}
        {formError && (
          <p className="notice notice--error" role="alert">
            {formError}
          </p>
        )}
        <div className="form__actions">
          <button type="submit" className="button button--primary" disabled={isSubmitting}>
            {isSubmitting ? 'Saving…' : 'Save contact'}
          </button>
          <button type="button" className="button" onClick={() => onDone(null)}>
            Cancel
          </button>
          <span className="form__hint">
            <kbd>Esc</kbd> cancels
          </span>
        </div>
      </form>
    </section>
  );
}
