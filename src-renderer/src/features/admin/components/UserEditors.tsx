import { useEffect, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import { Controller, useForm } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import { ROLE_LABELS, USER_ROLES } from '../../../../../src-shared/auth/permissions';
import { PASSWORD_MIN, type AdminUser, type Team, type UpdateUserRequest } from '../../../../../src-shared/contracts/admin';
import { switchboard } from '../../../api/client';
import { SelectField, TextField } from '../../../ui/fields';
import {
  editUserForm,
  resetPasswordForm,
  type EditUserFormInput,
  type EditUserFormOutput,
  type ResetPasswordFormInput,
  type ResetPasswordFormOutput,
} from '../forms';
import { PasswordInput } from './PasswordInput';
import { TeamChoices } from './TeamChoices';

/**
 * A panel under the users table for one user: its heading takes focus when it opens, Esc or
 * Cancel closes it (focus goes back to the row's button, which the caller handles in `onClose`).
 */
function EditorPanel({ title, onClose, children }: { title: string; onClose(): void; children: ReactNode }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  const onKeyDown = (event: KeyboardEvent<HTMLElement>) => {
    if (event.key !== 'Escape') return;
    // Only the panel closes; the admin screen stays.
    event.preventDefault();
    onClose();
  };
  return (
    <section className="panel admin__editor" aria-labelledby="admin-editor-title" onKeyDown={onKeyDown}>
      <h4 id="admin-editor-title" className="panel__title" ref={heading} tabIndex={-1}>
        {title}
      </h4>
      {children}
    </section>
  );
}

function FormFailure({ message }: { message: string | null }) {
  return (
    <p role="alert" className="admin__failure">
      {message}
    </p>
  );
}

/** Name, role and teams of one user; only what changed is sent. */
export function EditUser({ user, teams, onSaved, onClose }: { user: AdminUser; teams: Team[]; onSaved(user: AdminUser, said: string): void; onClose(): void }) {
  const [failure, setFailure] = useState<string | null>(null);
  const initialTeams = user.teams.map((t) => t.id);
  const {
    register,
    control,
    handleSubmit,
    formState: { errors, isSubmitting },
  } = useForm<EditUserFormInput, unknown, EditUserFormOutput>({
    resolver: zodResolver(editUserForm),
    defaultValues: { displayName: user.displayName, role: user.role, teamIds: initialTeams },
    mode: 'onSubmit',
  });

  const onSubmit = handleSubmit(async (values) => {
    setFailure(null);
    const request: UpdateUserRequest = { userId: user.id };
    if (values.displayName !== user.displayName) request.displayName = values.displayName;
    if (values.role !== user.role) request.role = values.role;
    const sameTeams = values.teamIds.length === initialTeams.length && values.teamIds.every((id) => initialTeams.includes(id));
    if (!sameTeams) request.teamIds = values.teamIds;
    if (Object.keys(request).length === 1) {
      setFailure('Nothing to change.');
      return;
    }
    const result = await switchboard().adminUpdateUser(request);
    if (!result.ok) {
      setFailure(result.error.message);
      return;
    }
    onSaved(result.value, `Saved: ${result.value.displayName} changed.`);
  });

  return (
    <EditorPanel title={`Edit ${user.displayName} (${user.username})`} onClose={onClose}>
      <form className="form" aria-label={`Edit ${user.displayName}`} noValidate onSubmit={(e) => void onSubmit(e)}>
        <div className="form__grid">
          <TextField label="Name" registration={register('displayName')} error={errors.displayName?.message} />
          <SelectField label="Role" registration={register('role')} error={errors.role?.message}>
            {USER_ROLES.map((role) => (
              <option key={role} value={role}>
                {ROLE_LABELS[role]}
              </option>
            ))}
          </SelectField>
        </div>
        <Controller control={control} name="teamIds" render={({ field }) => <TeamChoices teams={teams} value={field.value} onChange={field.onChange} />} />
        <FormFailure message={failure} />
        <SubmitOrCancel label="Save changes" busy={isSubmitting} onCancel={onClose} />
      </form>
    </EditorPanel>
  );
}

/** The editor's buttons: submit (disabled while saving) and Cancel (closes the panel). */
function SubmitOrCancel({ label, busy, onCancel }: { label: string; busy: boolean; onCancel(): void }) {
  return (
    <div className="form__actions">
      <button type="submit" className="button button--primary" disabled={busy}>
        {label}
      </button>
      <button type="button" className="button" onClick={onCancel}>
        Cancel
      </button>
    </div>
  );
}

/** A new password for one user (typed twice). The store ends their sessions and clears a lockout. */
export function ResetPassword({ user, onSaved, onClose }: { user: AdminUser; onSaved(user: AdminUser, said: string): void; onClose(): void }) {
  const [failure, setFailure] = useState<string | null>(null);
  const {
    register,
    handleSubmit,
    formState: { errors, isSubmitting },
  } = useForm<ResetPasswordFormInput, unknown, ResetPasswordFormOutput>({
    resolver: zodResolver(resetPasswordForm),
    defaultValues: { password: '', confirmPassword: '' },
    mode: 'onSubmit',
  });
  const onSubmit = handleSubmit(async ({ password }) => {
    setFailure(null);
    const result = await switchboard().adminResetPassword({ userId: user.id, password });
    if (!result.ok) {
      setFailure(result.error.message);
      return;
    }
    onSaved(result.value, `Saved: new password for ${result.value.displayName}. Their open sessions have ended.`);
  });
  return (
    <EditorPanel title={`Reset password for ${user.displayName} (${user.username})`} onClose={onClose}>
      <form className="form" aria-label={`Reset password for ${user.displayName}`} noValidate onSubmit={(e) => void onSubmit(e)}>
        <div className="form__grid">
          <PasswordInput label="New password" registration={register('password')} error={errors.password?.message} hint={`At least ${PASSWORD_MIN} characters; common, leaked and easily guessed passwords are refused. A phrase of several unrelated words works well.`} />
          <PasswordInput label="Confirm new password" registration={register('confirmPassword')} error={errors.confirmPassword?.message} />
        </div>
        <FormFailure message={failure} />
        <SubmitOrCancel label="Set password" busy={isSubmitting} onCancel={onClose} />
      </form>
    </EditorPanel>
  );
}
