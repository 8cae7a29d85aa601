/**
 * What administrators do to workstations (issue 18): revoke one. Its tokens stop working at once
 * (the guard checks on every request, and its live stream closes at the next keepalive), the
 * sessions opened on it end, and only an admin signing in on it registers it again.
 */
import { and, eq, gt, isNull } from 'drizzle-orm';
import { recordAudit } from '../audit/audit';
import { revokeWorkstation } from '../auth/workstations';
import { sessions } from '../db/schema';
import { HttpError } from '../http/errors';
import type { AdminContext } from './user-admin';

export async function revokeWorkstationAsAdmin(ctx: Pick<AdminContext, 'db' | 'now' | 'actor' | 'workstationId' | 'workstationName'>, workstationId: string): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const revoked = await revokeWorkstation(tx, workstationId, ctx.actor.id, ctx.now);
    if (!revoked) throw new HttpError('not_found', 'No workstation has this id.', 'workstationId');
    if (revoked.alreadyRevoked) return;
    const ended = await tx
      .update(sessions)
      .set({ revokedAt: ctx.now })
      .where(and(eq(sessions.workstationId, workstationId), isNull(sessions.revokedAt), gt(sessions.expiresAt, ctx.now)))
      .returning({ id: sessions.id });
    await recordAudit(tx, {
      at: ctx.now,
      userId: ctx.actor.id,
      username: ctx.actor.username,
      workstationId: ctx.workstationId,
      workstationName: ctx.workstationName,
      action: 'workstation_revoked',
      subject: workstationId,
      detail: `Revoked the workstation ${revoked.name}; ended ${ended.length} open session${ended.length === 1 ? '' : 's'} on it.`,
    });
  });
}
