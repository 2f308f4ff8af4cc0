import type { FastifyRequest } from 'fastify';
import { authCodes, coachOnly, requireUser } from '../../auth/index.js';
import type { Participant, Registry } from '../../registry/index.js';
import { loaders } from '../context.js';

/**
 * Who reads a participant's exercise-health record (issue 15): clinicians and admins any participant of
 * their sites; a coach only the participants they follow — those of the home sessions assigned to them
 * (or to no coach), as for adherence. Instructors never read it (they see the due notice only).
 */
export async function coachFollows(
  registry: Registry,
  coachId: string,
  participantId: string,
): Promise<boolean> {
  return (await registry.sessions.list({ participantId, limit: 1000 })).some(
    (s) => s.kind === 'home' && (s.coachId === coachId || s.coachId === null),
  );
}

/** The participant of `id` when the user may read their record (404 other site, 403 a coach's stranger). */
export async function recordParticipant(
  registry: Registry,
  request: FastifyRequest,
  id: string,
): Promise<Participant> {
  const user = requireUser(request);
  const p = await loaders(registry).participant(request, id);
  if (coachOnly(user) && !(await coachFollows(registry, user.id, p.id)))
    throw new authCodes.ZW_ERR_FORBIDDEN(
      'coaches read the record of the participants of the home sessions they follow only',
    );
  return p;
}
