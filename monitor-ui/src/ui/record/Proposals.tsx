import { useSignal } from '@preact/signals';
import type {
  AssessmentDerivation,
  PrescriptionChange,
  ProgressionProposal,
  TimelineItem,
} from '@zonewatch/protocol';
import { formatDate, formatNumber } from '../../format.js';
import { language, t } from '../../i18n/store.js';
import {
  DERIVATION_KEY,
  PROGRESSION_KIND_KEY,
  REASON_KEY,
  RX_FIELD_KEY,
  RX_VALUE_KEY as VALUE_KEY,
} from '../../record/labels.js';
import { href } from '../../router.js';
import { RULE_KEY } from '../labels.js';
import { Data } from '../Msg.js';

/** Zone bounds (and the walking-pace fraction) are fractions: shown as percent, as clinicians write them. */
const FRACTIONS = new Set(['fromLow', 'fromHigh', 'toLow', 'toHigh', 'fraction', 'zone.low', 'zone.high']);

function figure(key: string, v: number): string {
  if (FRACTIONS.has(key) && v > 0 && v <= 1)
    return `${formatNumber(v * 100, Number.isInteger(v * 100) ? 0 : 1)} %`;
  return formatNumber(v, Number.isInteger(v) ? 0 : 1);
}

/** Figures as the wording shows them. */
function figures(f: Readonly<Record<string, number>>): Record<string, string> {
  return Object.fromEntries(Object.entries(f).map(([k, v]) => [k, figure(k, v)]));
}

function changeValue(field: string, v: PrescriptionChange['from']): string {
  if (v === null) return t('record.rx.unset');
  if (typeof v === 'number') return figure(field, v);
  if (typeof v === 'boolean') return v ? t('common.yes') : t('common.no');
  const key = VALUE_KEY[v];
  return key ? t(key) : v;
}

/** What a proposal changes in the prescription: field, before, after. */
export function ChangesTable({ changes }: { changes: readonly PrescriptionChange[] }) {
  if (changes.length === 0) return <p class="muted">{t('record.rx.noChange')}</p>;
  return (
    <table class="table" data-testid="rx-changes">
      <thead>
        <tr>
          <th>{t('record.rx.field')}</th>
          <th>{t('record.rx.from')}</th>
          <th>{t('record.rx.to')}</th>
        </tr>
      </thead>
      <tbody>
        {changes.map((c) => (
          <tr key={c.field}>
            <td>{RX_FIELD_KEY[c.field] ? t(RX_FIELD_KEY[c.field] as never) : <Data>{c.field}</Data>}</td>
            <td>{changeValue(c.field, c.from)}</td>
            <td>
              <strong>{changeValue(c.field, c.to)}</strong>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/**
 * A prescription derived from an assessment, with its derivation step by step. Nothing is applied until the
 * clinician saves it as a new prescription version.
 */
export function DerivationView({
  derivation,
  onSave,
  onCancel,
}: {
  derivation: AssessmentDerivation;
  onSave(): Promise<void>;
  onCancel(): void;
}) {
  const busy = useSignal(false);
  return (
    <section class="record-card" data-testid="derivation">
      <h2>{t('record.derive.title')}</h2>
      <p class="muted">{t('record.derive.hint')}</p>
      <ol class="derivation-steps">
        {derivation.derivation.map((s, i) => (
          <li key={`${s.code}-${i}`} data-code={s.code}>
            {t(DERIVATION_KEY[s.code], figures(s.figures))}
          </li>
        ))}
      </ol>
      <ChangesTable changes={derivation.changes} />
      <div class="record-actions">
        <button
          type="button"
          class="btn btn-primary"
          data-testid="derivation-save"
          disabled={busy.value || derivation.changes.length === 0}
          onClick={async () => {
            busy.value = true;
            try {
              await onSave();
            } finally {
              busy.value = false;
            }
          }}
        >
          {t('record.derive.save')}
        </button>
        <button type="button" class="btn" onClick={onCancel}>
          {t('record.derive.discard')}
        </button>
      </div>
    </section>
  );
}

/** The sessions a proposal rests on, as links to their reports (dates, in the console's language). */
function SessionLinks({ ids, timeline }: { ids: readonly string[]; timeline: readonly TimelineItem[] }) {
  if (ids.length === 0) return null;
  return (
    <span class="session-links">
      {ids.map((id) => {
        const s = timeline.find((x) => x.type === 'session' && x.id === id);
        return (
          <a key={id} href={href({ name: 'report', sessionId: id })} class="chip">
            {s ? formatDate(s.at, language.value) : <Data>{id}</Data>}
          </a>
        );
      })}
    </span>
  );
}

/**
 * The week's progression proposal: what it proposes, the reasons with the sessions and figures they rest
 * on, the changes; the clinician accepts (a new prescription version) or rejects with a reason.
 */
export function ProgressionView({
  proposal,
  timeline,
  onAccept,
  onReject,
}: {
  proposal: ProgressionProposal;
  timeline: readonly TimelineItem[];
  onAccept(): Promise<void>;
  onReject(reason: string): Promise<void>;
}) {
  const rejecting = useSignal(false);
  const reason = useSignal('');
  const busy = useSignal(false);
  const run = async (fn: () => Promise<void>) => {
    busy.value = true;
    try {
      await fn();
    } finally {
      busy.value = false;
    }
  };
  return (
    <section class="record-card" data-testid="progression" data-kind={proposal.kind}>
      <h2>
        {t('record.prog.title', {
          from: formatDate(proposal.weekStartMs, language.value),
          to: formatDate(proposal.weekEndMs - 1, language.value),
        })}
      </h2>
      <p class={`prog-kind prog-${proposal.kind}`}>
        <strong>{t(PROGRESSION_KIND_KEY[proposal.kind])}</strong>
      </p>
      <ul class="plain prog-reasons">
        {proposal.reasons.map((r, i) => (
          <li key={`${r.code}-${i}`} data-code={r.code}>
            {t(REASON_KEY[r.code], {
              ...figures(r.figures),
              rule: r.rule ? t(RULE_KEY[r.rule]) : '',
            })}{' '}
            <SessionLinks ids={r.sessionIds} timeline={timeline} />
          </li>
        ))}
      </ul>
      <ChangesTable changes={proposal.changes} />
      {rejecting.value ? (
        <form
          class="record-actions"
          onSubmit={(e) => {
            e.preventDefault();
            if (reason.value.trim()) void run(() => onReject(reason.value.trim()));
          }}
        >
          <label class="field">
            <span class="field-label">{t('record.prog.reason')}</span>
            <input
              name="reject-reason"
              required
              maxLength={2000}
              value={reason.value}
              onInput={(e) => (reason.value = e.currentTarget.value)}
            />
          </label>
          <button type="submit" class="btn btn-danger" disabled={busy.value || !reason.value.trim()}>
            {t('record.prog.rejectNow')}
          </button>
          <button type="button" class="btn" onClick={() => (rejecting.value = false)}>
            {t('common.cancel')}
          </button>
        </form>
      ) : (
        <div class="record-actions">
          <button
            type="button"
            class="btn btn-primary"
            data-testid="progression-accept"
            disabled={busy.value}
            onClick={() => void run(onAccept)}
          >
            {t('record.prog.accept')}
          </button>
          <button type="button" class="btn" onClick={() => (rejecting.value = true)}>
            {t('record.prog.reject')}
          </button>
        </div>
      )}
    </section>
  );
}
