import { useSignal } from '@preact/signals';
import { nextPhase, type SessionInfo, type SessionPhase } from '@zonewatch/protocol';
import { useEffect, useRef } from 'preact/hooks';
import { endpoints } from '../api/endpoints.js';
import type { MessageKey } from '../i18n/i18n.js';
import { t } from '../i18n/store.js';
import { errorText } from './admin/common.js';
import { Data } from './Msg.js';

export const PHASE_KEY: Readonly<Record<SessionPhase, MessageKey>> = {
  'warm-up': 'phase.warm-up',
  conditioning: 'phase.conditioning',
  'cool-down': 'phase.cool-down',
  recovery: 'phase.recovery',
};

function isTyping(e: KeyboardEvent): boolean {
  const el = e.target as HTMLElement | null;
  return !!el && (el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName));
}

/**
 * The instructor's one control for the class's phases (issue 14): a button naming the next phase, and the
 * N key. Recovery is the last: its start is "exercise ended" for everyone's HR recovery. The wall's timer
 * and phase display are drawn elsewhere from the frames.
 */
export function PhaseControl({ sessionId, session }: { sessionId: string; session: SessionInfo | null }) {
  const busy = useSignal(false);
  const error = useSignal<string | null>(null);
  const current = useSignal<SessionPhase | null>(null);
  const phase = session?.phase ?? current.value ?? null;
  const next = session?.status === 'active' ? nextPhase(phase) : null;

  const advance = async () => {
    if (busy.value || !next) return;
    busy.value = true;
    error.value = null;
    try {
      const s = await endpoints.setPhase(sessionId, next);
      current.value = s.phase ?? null;
    } catch (e) {
      error.value = errorText(e);
    } finally {
      busy.value = false;
    }
  };

  // One listener for the page's life, always calling the latest render's advance.
  const latest = useRef(advance);
  latest.current = advance;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey || isTyping(e)) return;
      if (e.key === 'n' || e.key === 'N') {
        e.preventDefault();
        void latest.current();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  if (!next && !error.value) return null;
  return (
    <>
      {next && (
        <button
          type="button"
          class="btn btn-primary"
          data-testid="next-phase"
          data-next={next}
          disabled={busy.value}
          title={t('phase.keyHint')}
          onClick={() => void advance()}
        >
          {t('phase.next', { phase: t(PHASE_KEY[next]) })}
        </button>
      )}
      {error.value && (
        <span class="error" role="alert">
          <Data>{error.value}</Data>
        </span>
      )}
    </>
  );
}
