import { SESSION_PHASES, type SessionInfo, type SessionPhase } from '@zonewatch/protocol';
import { formatDuration } from '../format.js';
import type { MessageKey } from '../i18n/i18n.js';
import { t } from '../i18n/store.js';

const PHASE_KEY: Readonly<Record<SessionPhase, MessageKey>> = {
  'warm-up': 'phase.warm-up',
  conditioning: 'phase.conditioning',
  'cool-down': 'phase.cool-down',
  recovery: 'phase.recovery',
};

/** The dictionary key of a phase the server names (an unknown one shows as unknown, never raw). */
export function phaseKey(phase: string): MessageKey {
  return (PHASE_KEY as Record<string, MessageKey>)[phase] ?? 'phase.unknown';
}

/**
 * The class timer on the wall (issue 14): time since the session started, by the server's clock, and —
 * when the server sends phases — the current phase with its own time against the planned length. Display
 * only: the instructor moves phases with the phase control.
 */
export function ClassTimer({ session, serverNow }: { session: SessionInfo | null; serverNow: number }) {
  if (!session || session.startedAt === null) return null;
  const end = session.status === 'ended' && session.endedAt !== null ? session.endedAt : serverNow;
  const elapsedS = (end - session.startedAt) / 1000;
  const phase = session.status === 'active' ? (session.phase ?? null) : null;
  const plan = phase ? session.phases?.find((p) => p.phase === phase) : undefined;
  const phaseS = phase && session.phaseStartedAt ? (serverNow - session.phaseStartedAt) / 1000 : null;
  return (
    <span class="class-timer" data-testid="class-timer" role="timer" aria-label={t('wall.timerLabel')}>
      <span class="class-timer-clock" data-elapsed={Math.floor(elapsedS)}>
        {formatDuration(elapsedS)}
      </span>
      {phase && (
        <span
          class={`class-phase phase-${SESSION_PHASES.includes(phase) ? phase : 'unknown'}`}
          data-testid="class-phase"
          data-phase={phase}
        >
          {t(phaseKey(phase))}
          {phaseS !== null && (
            <span class="class-phase-time">
              {' '}
              {plan && plan.plannedS > 0
                ? t('wall.phaseTimeOf', {
                    time: formatDuration(phaseS),
                    planned: formatDuration(plan.plannedS),
                  })
                : formatDuration(phaseS)}
            </span>
          )}
        </span>
      )}
    </span>
  );
}
