import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { t } from '../../i18n/store.js';
import { recordApi } from '../../record/api.js';

/**
 * The participants due a re-assessment (issue 15), for the instructor's roster: a notice, never an alarm
 * (no colour of the alarm palette, no sound, nothing to acknowledge). The API gives instructors who is due,
 * not the assessment values. An error (an older server) shows nothing.
 */
export function useDueParticipants(): ReadonlySet<string> {
  const due = useSignal<ReadonlySet<string>>(new Set());
  useEffect(() => {
    let stopped = false;
    recordApi.due().then(
      (items) => {
        if (!stopped) due.value = new Set(items.filter((i) => i.next.due).map((i) => i.participantId));
      },
      () => undefined,
    );
    return () => {
      stopped = true;
    };
  }, []);
  return due.value;
}

export function DueChip() {
  return (
    <span class="chip due-notice" data-testid="due-notice">
      {t('record.reassessmentDue')}
    </span>
  );
}
