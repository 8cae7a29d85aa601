import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import type { Team } from '../../../../../src-shared/contracts/admin';
import { switchboard } from '../../../api/client';
import { SaveStatus, TextField, type SaveState } from '../../../ui/fields';
import { newTeamForm, type NewTeamFormInput, type NewTeamFormOutput } from '../forms';

export function NewTeamForm({ onCreated }: { onCreated(team: Team): void }) {
  const [save, setSave] = useState<SaveState>({ kind: 'idle' });
  const {
    register,
    handleSubmit,
    reset,
    setError,
    formState: { errors, isSubmitting },
  } = useForm<NewTeamFormInput, unknown, NewTeamFormOutput>({ resolver: zodResolver(newTeamForm), defaultValues: { name: '' }, mode: 'onSubmit' });

  const onSubmit = handleSubmit(async (request) => {
    setSave({ kind: 'idle' });
    const result = await switchboard().adminCreateTeam(request);
    if (!result.ok) {
      if (result.error.field === 'name') setError('name', { type: 'server', message: result.error.message }, { shouldFocus: true });
      else setSave({ kind: 'error', message: result.error.message });
      return;
    }
    reset();
    setSave({ kind: 'saved', text: `Saved: team ${result.value.name} created.` });
    onCreated(result.value);
  });

  return (
    <form className="form admin__form admin__form--inline" aria-label="New team" noValidate onSubmit={(e) => void onSubmit(e)}>
      <TextField label="Team name" registration={register('name')} error={errors.name?.message} />
      <div className="form__actions">
        <button type="submit" className="button button--primary" disabled={isSubmitting}>
          Create team
        </button>
        <SaveStatus state={save} />
      </div>
    </form>
  );
}
