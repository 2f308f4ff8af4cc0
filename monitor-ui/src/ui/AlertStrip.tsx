import { useSignal } from '@preact/signals';
import { useEffect, useLayoutEffect, useRef } from 'preact/hooks';
import { describeError } from '../api/errors.js';
import { formatClock, formatDuration } from '../format.js';
import { language, t } from '../i18n/store.js';
import { type AlertGroup, escalationReach, groupAlerts } from '../live/alerts.js';
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
  /**
   * Acknowledges one alert, with the note when one was written (the plain button and the A key send none).
   * A card's acknowledgement calls it once per alert of the card still waiting (each audited on its own).
   */
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

/** One condition of a card: priority, rule and qualifier, since when, escalation and its own state. */
function AlertCondition({
  e,
  serverNow,
  error,
}: {
  e: AlertEntry;
  serverNow: number;
  error?: string | undefined;
}) {
  const a = e.alert;
  const waiting = needsAck(e);
  const reach = escalationReach(a.severity, a.escalationLevel);
  const qualifier = alertQualifierKey(a);
  return (
    <>
      <span class="alert-sev">{t(SEVERITY_KEY[a.severity])}</span>
      <span class="alert-rule">
        {t(ruleKey(a.rule))}
        {qualifier && (
          <em class={`alert-unconfirmed${a.severity === 'warning' ? ' alert-possible-critical' : ''}`}>
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
      {a.conditionCleared && waiting && <span class="alert-cleared">{t('alert.clearedNeedsAck')}</span>}
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
      {error && (
        <span class="alert-error" role="alert">
          <Msg k="alert.ackFailed" slots={{ reason: ackReason(error) }} />
        </span>
      )}
    </>
  );
}

/**
 * How many alerts sit in cards scrolled out of the list's view (below or above): the list grows with its
 * content up to a limit, then scrolls, and says how much is out of sight.
 */
function useHiddenCount(groups: readonly AlertGroup[]) {
  const scroller = useRef<HTMLDivElement>(null);
  const hidden = useSignal(0);
  const measure = () => {
    const el = scroller.current;
    if (!el) return;
    const box = el.getBoundingClientRect();
    let n = 0;
    for (const li of el.querySelectorAll<HTMLElement>('li.alert-row')) {
      const r = li.getBoundingClientRect();
      if (r.bottom > box.bottom + 1 || r.top < box.top - 1) n += Number(li.dataset['count'] ?? 1);
    }
    hidden.value = n;
  };
  useLayoutEffect(measure);
  useEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, [groups.length > 0]);
  return { scroller, hidden: hidden.value, measure };
}

/**
 * Every open alert of the session as one card per participant (issue 14), most urgent card first: the
 * highest severity leads with priority icon and text, how long it has waited and escalation; the
 * participant's other conditions follow beneath. The card's acknowledge button (the first card's also
 * answers the A key) acknowledges every alert of the card still waiting at that moment.
 */
export function AlertStrip({ alerts, now, skewMs, pending, errors, onAck }: AlertStripProps) {
  // The card whose "add note" form is open, and the note being written (acknowledging stays one step).
  const noteFor = useSignal<string | null>(null);
  const note = useSignal('');
  const groups = groupAlerts(alerts);
  const { scroller, hidden, measure } = useHiddenCount(groups);
  if (groups.length === 0) return null;
  const serverNow = now + skewMs;
  return (
    <section class="alert-strip" aria-label={t('alert.listLabel')} aria-live="assertive">
      <div class="alert-scroll" ref={scroller} onScroll={measure} tabIndex={-1}>
        <ol>
          {groups.map((g, i) => {
            const [top, ...others] = g.entries;
            if (!top) return null;
            const a = top.alert;
            const waiting = g.waiting.length > 0;
            const busy = g.waiting.some((e) => pending.has(e.alert.id));
            const ackAll = (text?: string) => {
              for (const e of g.waiting) onAck(e.alert.id, text);
            };
            return (
              <li
                key={g.participantId}
                class={`alert-row alarm alarm-${a.severity}${waiting ? ' alarm-waiting' : ' alarm-acked'}`}
                data-participant={g.participantId}
                data-alert={a.id}
                data-alerts={g.entries.map((e) => e.alert.id).join(' ')}
                data-count={g.entries.length}
                data-severity={a.severity}
                data-state={waiting ? 'waiting' : 'acknowledged'}
              >
                <AlarmIcon severity={a.severity} size="1.6em" />
                <div class="alert-body">
                  <p class="alert-line alert-main" data-alert={a.id} data-severity={a.severity}>
                    <span class="alert-alias" translate={false}>
                      {g.alias}
                    </span>
                    <AlertCondition e={top} serverNow={serverNow} error={errors[a.id]} />
                  </p>
                  {others.map((e) => (
                    <p
                      key={e.alert.id}
                      class={`alert-line alert-also sev-${e.alert.severity}`}
                      data-alert={e.alert.id}
                      data-severity={e.alert.severity}
                    >
                      <AlarmIcon severity={e.alert.severity} size="1em" />
                      <AlertCondition e={e} serverNow={serverNow} error={errors[e.alert.id]} />
                    </p>
                  ))}
                </div>
                {waiting && (
                  <span class="alert-actions">
                    <button
                      type="button"
                      class="btn btn-ack"
                      disabled={busy}
                      aria-keyshortcuts={i === 0 ? 'A' : undefined}
                      onClick={() => ackAll()}
                    >
                      {busy ? t('alert.acking') : i === 0 ? t('alert.ackWithKey') : t('alert.ack')}
                    </button>
                    {noteFor.value !== g.participantId && (
                      <button
                        type="button"
                        class="btn btn-small"
                        data-action="add-note"
                        aria-label={t('alert.addNoteLabel', { alias: g.alias })}
                        disabled={busy}
                        onClick={() => {
                          note.value = '';
                          noteFor.value = g.participantId;
                        }}
                      >
                        {t('alert.addNote')}
                      </button>
                    )}
                  </span>
                )}
                {waiting && noteFor.value === g.participantId && (
                  <form
                    class="note-form"
                    data-testid="ack-note"
                    onSubmit={(ev) => {
                      ev.preventDefault();
                      const text = note.value.trim();
                      noteFor.value = null;
                      ackAll(text || undefined);
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
                    <button type="submit" class="btn btn-ack" disabled={busy}>
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
      </div>
      {hidden > 0 && (
        <p class="alert-hidden" data-testid="alerts-hidden">
          {t('alert.hiddenCount', { n: hidden })}
        </p>
      )}
    </section>
  );
}
