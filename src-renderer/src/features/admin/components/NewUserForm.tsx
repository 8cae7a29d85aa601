import { useState } from 'react';
import { Controller, useForm, type FieldPath } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import { ROLE_LABELS, USER_ROLES } from '../../../../../src-shared/auth/permissions';
import { PASSWORD_MIN, type AdminUser, type Team } from '../../../../../src-shared/contracts/admin';
import { switchboard } from '../../../api/client';
import { SaveStatus, SelectField, TextField, type SaveState } from '../../../ui/fields';
import { newUserForm, type NewUserFormInput, type NewUserFormOutput } from '../forms';
import { TeamChoices } from './TeamChoices';
import { PasswordInput } from './PasswordInput';

const FIELDS = ['username', 'displayName', 'role', 'password', 'teamIds'] as const satisfies readonly FieldPath<NewUserFormInput>[];

/** A new user: name, user name, role, first password (typed twice) and teams. */
export function NewUserForm({ teams, onCreated }: { teams: Team[]; onCreated(user: AdminUser): void }) {
  const [save, setSave] = useState<SaveState>({ kind: 'idle' });
  const {
    register,
    control,
    handleSubmit,
    reset,
    setError,
    formState: { errors, isSubmitting },
  } = useForm<NewUserFormInput, unknown, NewUserFormOutput>({
    resolver: zodResolver(newUserForm),
    defaultValues: { username: '', displayName: '', role: 'csr', password: '', confirmPassword: '', teamIds: [] },
    mode: 'onSubmit',
    reValidateMode: 'onChange',
  });

  const onSubmit = handleSubmit(async ({ confirmPassword: _confirm, ...request }) => {
    setSave({ kind: 'idle' });
    const result = await switchboard().adminCreateUser(request);
    if (!result.ok) {
      const field = FIELDS.find((name) => name === result.error.field);
      if (field) setError(field, { type: 'server', message: result.error.message }, { shouldFocus: true });
      else setSave({ kind: 'error', message: result.error.message });
      return;
    }
    reset();
    setSave({ kind: 'saved', text: `Saved: ${result.value.displayName} (${result.value.username}) created.` });
    onCreated(result.value);
  });

  return (
    <form className="form admin__form" aria-label="New user" noValidate onSubmit={(e) => void onSubmit(e)}>
      <div className="form__grid">
        <TextField label="Name" registration={register('displayName')} error={errors.displayName?.message} />
        <TextField
          label="User name"
          registration={register('username')}
          error={errors.username?.message}
          hint="2–64 letters, digits, dots, dashes or underscores."
        />
        <SelectField label="Role" registration={register('role')} error={errors.role?.message}>
          {USER_ROLES.map((role) => (
            <option key={role} value={role}>
              {ROLE_LABELS[role]}
            </option>
          ))}
        </SelectField>
        <span />
        <PasswordInput label="Password" registration={register('password')} error={errors.password?.message} hint={`At least ${PASSWORD_MIN} characters; common, leaked and easily guessed passwords are refused. A phrase of several unrelated words works well.`} />
        <PasswordInput label="Confirm password" registration={register('confirmPassword')} error={errors.confirmPassword?.message} />
      </div>
      <Controller
        control={control}
        name="teamIds"
        render={({ field }) => <TeamChoices teams={teams} value={field.value ?? []} onChange={field.onChange} />}
      />
      <div className="form__actions">
        <button type="submit" className="button button--primary" disabled={isSubmitting}>
          Create user
        </button>
        <SaveStatus state={save} />
      </div>
    </form>
  );
}
