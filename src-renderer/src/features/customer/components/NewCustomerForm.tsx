import { useEffect, useId, useMemo, useState } from 'react';
import { useForm, type FieldPath, type UseFormRegisterReturn } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import type { z } from 'zod';
import { newCustomerInput } from '../../../../../src-shared/contracts/customer';
import { CONTACT_LIMITS } from '../../../../../src-shared/contracts/customer360';
import { LIMITS } from '../../../../../src-shared/domain/customer';
import { isPhoneCountry, phoneCountries, UNVERIFIED_PHONE_WARNING } from '../../../../../src-shared/domain/phone';
import { switchboard } from '../../../api/client';
import { useAppStore } from '../../../app/store';
import { searchNow } from '../../lookup/hooks/useCallerSearch';
import { attachCustomerToCall } from '../../call/actions';
import { useDirectoryReady } from '../../sync/hooks/useDirectoryReady';

type FormInput = z.input<typeof newCustomerInput>;
type FormOutput = z.output<typeof newCustomerInput>;
const FIELDS = ['firstName', 'lastName', 'phone', 'email', 'country', 'address.line1', 'address.city', 'address.postalCode'] as const satisfies readonly FieldPath<FormInput>[];

interface FieldProps {
  label: string;
  registration: UseFormRegisterReturn;
  error: string | undefined;
  type?: 'text' | 'tel' | 'email';
  autoComplete: string;
  optional?: boolean;
  /** Part of an optional group (the address): needed only when the group is filled in, so neither "(optional)" nor required. */
  neededInGroup?: boolean;
  maxLength: number;
  autoFocus?: boolean;
}

function Field({ label, registration, error, type = 'text', autoComplete, optional, neededInGroup, maxLength, autoFocus }: FieldProps) {
  const id = useId();
  const errorId = `${id}-error`;
  return (
    <div className="field">
      <label htmlFor={id} className="field__label">
        {label}
        {optional && <span className="field__optional"> (optional)</span>}
      </label>
      <input
        id={id}
        type={type}
        className="field__input"
        autoComplete={autoComplete}
        // The contract's limit plus one: typing past it shows the schema's message.
        maxLength={maxLength + 1}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? errorId : undefined}
        aria-required={optional || neededInGroup ? undefined : true}
        autoFocus={autoFocus}
        {...registration}
      />
      {error && (
        <p id={errorId} className="field__error">
          {error}
        </p>
      )}
    </div>
  );
}

/** A caller the cache does not know: the number they called from is filled in, the rest is typed. */
export function NewCustomerForm({ phone }: { phone: string }) {
  const [formError, setFormError] = useState<string | null>(null);
  // Opened before the directory started arriving again (a re-pull from nothing): saving is refused until it is in.
  const directoryReady = useDirectoryReady();
  // The number the core refused only because the phone library cannot read it: the CSR may keep it
  // as typed, marked unverified, after confirming (issue 18). Offered while the field still holds it.
  const [unreadablePhone, setUnreadablePhone] = useState<string | null>(null);
  const {
    register,
    handleSubmit,
    setError,
    setValue,
    getValues,
    watch,
    formState: { errors, isSubmitting },
  } = useForm<FormInput, unknown, FormOutput>({
    resolver: zodResolver(newCustomerInput),
    defaultValues: { firstName: '', lastName: '', phone, email: '', country: '', address: { line1: '', city: '', postalCode: '' } },
    mode: 'onSubmit',
    reValidateMode: 'onChange',
  });
  // The country the number is read in (and the address is in) starts as the workstation's region
  // (issue 19, item 4); a German number typed nationally on a US workstation is read in Germany once chosen.
  const countries = useMemo(() => phoneCountries(), []);
  useEffect(() => {
    let current = true;
    void switchboard()
      .appInfo({})
      .then((info) => {
        if (current && info.ok && isPhoneCountry(info.value.defaultRegion) && getValues('country') === '') setValue('country', info.value.defaultRegion);
      });
    return () => {
      current = false;
    };
  }, [getValues, setValue]);

  const save = async (values: FormOutput, keepUnverifiedPhone: boolean) => {
    setFormError(null);
    // An empty country (the region not read yet) leaves the reading to the workstation's region.
    const result = await switchboard().customerCreate(keepUnverifiedPhone ? { ...values, keepUnverifiedPhone } : values);
    if (!result.ok) {
      setUnreadablePhone(result.error.code === 'unparseable_phone' && result.error.field === 'phone' ? values.phone : null);
      const field = FIELDS.find((name) => name === result.error.field);
      if (field) setError(field, { type: 'server', message: result.error.message }, { shouldFocus: true });
      else setFormError(result.error.message);
      return;
    }
    // The list behind the form said "no match" for this number; it no longer holds.
    void searchNow(useAppStore.getState().query);
    // A caller created during a call is who the call is with.
    await attachCustomerToCall(result.value.customerId);
    useAppStore.getState().openCustomer(result.value.customerId);
  };
  const onSubmit = handleSubmit((values) => save(values, false));
  const onKeepUnverified = handleSubmit((values) => save(values, true));
  const offerUnverified = unreadablePhone !== null && (watch('phone') ?? '').trim() === unreadablePhone;
  // A changed country may read the refused number: the offer to keep it unverified waits for the next save.
  const country = watch('country');
  useEffect(() => setUnreadablePhone(null), [country]);
  const countryId = useId();

  return (
    <section className="card" aria-labelledby="new-customer-heading">
      <div className="card__head">
        <button type="button" className="button button--quiet" onClick={() => useAppStore.getState().backToResults()}>
          <span aria-hidden="true">←</span> Back to results <kbd aria-hidden="true">Esc</kbd>
        </button>
      </div>
      <header className="card__title">
        <h2 id="new-customer-heading">New customer</h2>
      </header>
      {!directoryReady && (
        <p className="notice notice--warn" role="status">
          The customer directory is still arriving from the central store: this workstation cannot yet check that the caller is not a customer already,
          so a new customer cannot be saved until it is in.
        </p>
      )}
      <form className="form" onSubmit={(event) => void onSubmit(event)} noValidate aria-labelledby="new-customer-heading">
        <div className="form__grid">
          <Field label="First name" registration={register('firstName')} error={errors.firstName?.message} autoComplete="off" maxLength={LIMITS.name} autoFocus />
          <Field label="Last name" registration={register('lastName')} error={errors.lastName?.message} autoComplete="off" maxLength={LIMITS.name} />
          <Field label="Phone" type="tel" registration={register('phone')} error={errors.phone?.message} autoComplete="off" maxLength={LIMITS.phoneRaw} />
          <Field label="Email" type="email" registration={register('email')} error={errors.email?.message} autoComplete="off" maxLength={LIMITS.email} optional />
          <div className="field">
            <label htmlFor={countryId} className="field__label">
              Country
            </label>
            <select
              id={countryId}
              className="field__input"
              aria-invalid={errors.country ? true : undefined}
              aria-describedby={`${countryId}-hint${errors.country ? ` ${countryId}-error` : ''}`}
              {...register('country')}
            >
              {/* Until the workstation's region is read: the number is then read in that region. */}
              <option value="">Workstation’s region</option>
              {countries.map((c) => (
                <option key={c.code} value={c.code}>
                  {c.name}
                </option>
              ))}
            </select>
            <p id={`${countryId}-hint`} className="field__hint">
              A number typed without + and its country code is read in this country.
            </p>
            {errors.country && (
              <p id={`${countryId}-error`} className="field__error">
                {errors.country.message}
              </p>
            )}
          </div>
        </div>
        <fieldset className="fieldset">
          <legend>
            Address <span className="field__optional">(optional: leave it empty for none; with an address, the street and city are needed)</span>
          </legend>
          <div className="form__grid">
            <Field label="Street address" registration={register('address.line1')} error={errors.address?.line1?.message} autoComplete="off" maxLength={CONTACT_LIMITS.addressLine} neededInGroup />
            <Field label="City" registration={register('address.city')} error={errors.address?.city?.message} autoComplete="off" maxLength={CONTACT_LIMITS.city} neededInGroup />
            <Field label="Postal code" registration={register('address.postalCode')} error={errors.address?.postalCode?.message} autoComplete="off" maxLength={CONTACT_LIMITS.postalCode} optional />
          </div>
        </fieldset>
        {offerUnverified && (
          <div className="notice notice--warn" role="alert">
            <p>
              The phone library cannot verify “{unreadablePhone}”. {UNVERIFIED_PHONE_WARNING}
            </p>
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
            {isSubmitting ? 'Saving…' : 'Save customer'}
          </button>
          <span className="form__hint">
            <kbd>Enter</kbd> saves · <kbd>Esc</kbd> cancels
          </span>
        </div>
      </form>
    </section>
  );
}
