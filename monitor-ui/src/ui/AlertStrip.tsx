import { useSignal } from '@preact/signals';
import { useEffect, useRef } from 'preact/hooks';
import { describeError } from '../api/errors.js';
import { formatClock, formatDuration } from '../format.js';
import { language, t } from '../i18n/store.js';
import { escalationReach } from '../live/alerts.js';
import { type AlertEntry, needsAck } from '../live/state.js';
import { AlarmIcon } from './icons.js';
import { alertQualifierKey, REACH_KEY, ruleKey, SEVERITY_KEY } from './labels.js';
import { Data, Msg } from './Msg.js';

export interface AlertStripProps {
  /** Sorted, most urgent first. */
  alerts: readonly AlertEntry[];
  now: number;
  /** Offset to turn the console clock into server time (server − console, ms). */
  skewMs: number;
  pending: ReadonlySet<string>;
  errors: Readonly<Record<string, string>>;
  /** Acknowledges, with the note when one was written (the plain button and the A key send none). */
  onAck(alertId: string, note?: string): void;
}

/**
 * The note field, focused as soon as it opens (the `autofocus` attribute only works once per page) so
 * typing goes into it and never reaches the wall's A key. Escape closes it without acknowledging.
 */
function NoteInput({
  value,
  onInput,
  onCancel,
}: {
  value: string;
  onInput(v: string): void;
  onCancel(): void;
}) {
  const ref = useRef<HTMLInputElement>(null);
  useEffect(() => ref.current?.focus(), []);
  return (
    <input
      ref={ref}
      name="note"
      maxLength={500}
      value={value}
      onInput={(ev) => onInput(ev.currentTarget.value)}
      onKeyDown={(ev) => {
        if (ev.key === 'Escape') {
          ev.preventDefault();
          onCancel();
        }
      }}
    />
  );
}

/** A refused acknowledgement: the socket's code translated (`already-closed`…), else the server's text. */
function ackReason(error: string) {
  const v = describeError(error, 409, error);
  return v.key ? t(v.key) : <Data>{error}</Data>;
}

/**
 * Every open alert of the session, most urgent first, each with priority icon and text, how long it has
 * waited, escalation, and the acknowledge button (the first one also answers the A key).
 */
export function AlertStrip({ alerts, now, skewMs, pending, errors, onAck }: AlertStripProps) {
  // The alert whose "add note" form is open, and the note being written (acknowledging stays one step).
  const noteFor = useSignal<string | null>(null);
  const note = useSignal('');
  if (alerts.length === 0) return null;
  const serverNow = now + skewMs;
  return (
    <section class="alert-strip" aria-label={t('alert.listLabel')} aria-live="assertive">
      <ol>
        {alerts.map((e, i) => {
          const a = e.alert;
          const waiting = needsAck(e);
          const reach = escalationReach(a.severity, a.escalationLevel);
          const qualifier = alertQualifierKey(a);
          return (
            <li
              key={a.id}
              class={`alert-row alarm alarm-${a.severity}${waiting ? ' alarm-waiting' : ' alarm-acked'}`}
              data-alert={a.id}
              data-severity={a.severity}
              data-state={waiting ? 'waiting' : 'acknowledged'}
            >
              <AlarmIcon severity={a.severity} size="1.6em" />
              <span class="alert-body">
                <span class="alert-sev">{t(SEVERITY_KEY[a.severity])}</span>
                <span class="alert-alias" translate={false}>
                  {a.alias}
                </span>
                <span class="alert-rule">
                  {t(ruleKey(a.rule))}
                  {qualifier && (
                    <em
                      class={`alert-unconfirmed${a.severity === 'warning' ? ' alert-possible-critical' : ''}`}
                    >
                      {' '}
                      {t(qualifier)}
                    </em>
                  )}
                </span>
                <span class="alert-since">
                  {t('alert.since', {
                    time: formatClock(a.raisedAt, language.value),
                    dur: formatDuration((serverNow - a.raisedAt) / 1000),
                  })}
                </span>
                {reach !== 'none' && <span class="alert-escalated">{t(REACH_KEY[reach])}</span>}
                {a.conditionCleared && waiting && (
                  <span class="alert-cleared">{t('alert.clearedNeedsAck')}</span>
                )}
                {e.resoundedAt !== null && <span class="alert-resounded">{t('alert.resounded')}</span>}
                {!waiting && a.acknowledgedAt !== null && (
                  <span class="alert-acked">
                    <Msg
                      k="alert.acknowledgedBy"
                      slots={{
                        who: a.acknowledgedBy ? <Data>{a.acknowledgedBy}</Data> : t('alert.someone'),
                        time: formatClock(a.acknowledgedAt, language.value),
                      }}
                    />
                  </span>
                )}
                {errors[a.id] && (
                  <span class="alert-error" role="alert">
                    <Msg k="alert.ackFailed" slots={{ reason: ackReason(errors[a.id] ?? '') }} />
                  </span>
                )}
              </span>
              {waiting && (
                <span class="alert-actions">
                  <button
                    type="button"
                    class="btn btn-ack"
                    disabled={pending.has(a.id)}
                    aria-keyshortcuts={i === 0 ? 'A' : undefined}
                    onClick={() => onAck(a.id)}
                  >
                    {pending.has(a.id) ? t('alert.acking') : i === 0 ? t('alert.ackWithKey') : t('alert.ack')}
                  </button>
                  {noteFor.value !== a.id && (
                    <button
                      type="button"
                      class="btn btn-small"
                      data-action="add-note"
                      aria-label={t('alert.addNoteLabel', { alias: a.alias })}
                      disabled={pending.has(a.id)}
                      onClick={() => {
                        note.value = '';
                        noteFor.value = a.id;
                      }}
                    >
                      {t('alert.addNote')}
                    </button>
                  )}
                </span>
              )}
              {waiting && noteFor.value === a.id && (
                <form
                  class="note-form"
                  data-testid="ack-note"
                  onSubmit={(ev) => {
                    ev.preventDefault();
                    const text = note.value.trim();
                    noteFor.value = null;
                    onAck(a.id, text || undefined);
                  }}
                >
                  {/* biome-ignore lint/a11y/noLabelWithoutControl: the input is NoteInput, inside */}
                  <label class="field-inline">
                    {t('alert.note')}
                    <NoteInput
                      value={note.value}
                      onInput={(v) => (note.value = v)}
                      onCancel={() => (noteFor.value = null)}
                    />
                  </label>
                  <button type="submit" class="btn btn-ack" disabled={pending.has(a.id)}>
                    {t('alert.ackWithNote')}
                  </button>
                  <button type="button" class="btn" onClick={() => (noteFor.value = null)}>
                    {t('common.cancel')}
                  </button>
                </form>
              )}
            </li>
          );
        })}
      </ol>
    </section>
  );
}
