/**
 * The admin forms' schemas: the contract's own, plus what only a person typing needs (the
 * password typed twice). What is sent is checked by the contract again in main and on the store.
 */
import { z } from 'zod';
import { createUserRequest, notBuiltOnOwnName, resetPasswordRequest, createTeamRequest } from '../../../../src-shared/contracts/admin';
import { USER_ROLES } from '../../../../src-shared/auth/permissions';

const SAME_PASSWORD = { message: 'The two passwords differ.', path: ['confirmPassword'] };

export const newUserForm = z
  .object({ ...createUserRequest.shape, confirmPassword: z.string() })
  .superRefine(notBuiltOnOwnName)
  .refine((v) => v.password === v.confirmPassword, SAME_PASSWORD);
export type NewUserFormInput = z.input<typeof newUserForm>;
export type NewUserFormOutput = z.output<typeof newUserForm>;

export const editUserForm = z.object({
  displayName: createUserRequest.shape.displayName,
  role: z.enum(USER_ROLES),
  teamIds: z.array(z.string().uuid()).max(50),
});
export type EditUserFormInput = z.input<typeof editUserForm>;
export type EditUserFormOutput = z.output<typeof editUserForm>;

export const resetPasswordForm = z
  .object({ password: resetPasswordRequest.shape.password, confirmPassword: z.string() })
  .refine((v) => v.password === v.confirmPassword, SAME_PASSWORD);
export type ResetPasswordFormInput = z.input<typeof resetPasswordForm>;
export type ResetPasswordFormOutput = z.output<typeof resetPasswordForm>;

export const newTeamForm = createTeamRequest;
export type NewTeamFormInput = z.input<typeof newTeamForm>;
export type NewTeamFormOutput = z.output<typeof newTeamForm>;
