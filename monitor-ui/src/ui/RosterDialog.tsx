import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { endpoints } from '../api/endpoints.js';
import type { ParticipantRow, RosterParticipant, UnboundDevice } from '../api/types.js';
import { t } from '../i18n/store.js';
import { type TapResult, tappedDevice } from '../wall/pairing.js';
import { errorText } from './admin/common.js';
import { Dialog } from './Dialog.js';
import { deviceKindKey } from './labels.js';
import { Data, Msg } from './Msg.js';
import { DueChip, useDueParticipants } from './record/DueNotice.js';

/** How often the pairing flow asks the server for unbound devices (ms). */
const PAIRING_POLL_MS = 1_500;

/** "Tap the strap": wait for a device to appear among the unbound ones, then bind it to the participant. */
function Pairing({
  sessionId,
  participant,
  onDone,
}: {
  sessionId: string;
  participant: { participantId: string; alias: string };
  onDone(): void;
}) {
  const baseline = useSignal<ReadonlySet<string> | null>(null);
  const current = useSignal<UnboundDevice[]>([]);
  const result = useSignal<TapResult>({ candidate: null, alsoNew: [] });
  const error = useSignal<string | null>(null);
  const busy = useSignal(false);

  useEffect(() => {
    let stopped = false;
    const poll = async () => {
      try {
        const list = await endpoints.unboundDevices(sessionId);
        if (stopped) return;
        current.value = list;
        if (baseline.value === null) baseline.value = new Set(list.map((d) => d.deviceId));
        else result.value = tappedDevice(baseline.value, list);
        error.value = null;
      } catch (e) {
        if (!stopped) error.value = errorText(e);
      }
    };
    void poll();
    const timer = setInterval(() => void poll(), PAIRING_POLL_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [sessionId]);

  const bind = async (deviceId: string) => {
    busy.value = true;
    try {
      await endpoints.bind(sessionId, participant.participantId, deviceId);
      onDone();
    } catch (e) {
      error.value = errorText(e);
    } finally {
      busy.value = false;
    }
  };
  const skip = (deviceId: string) => {
    baseline.value = new Set([...(baseline.value ?? []), deviceId]);
    result.value = tappedDevice(baseline.value, current.value);
  };

  const c = result.value.candidate;
  /** Delivered data for someone else in the last 5 minutes: it may still be on them (issue 14). */
  const wornByOther = (d: UnboundDevice) =>
    d.recentlyWornBy && d.recentlyWornBy.participantId !== participant.participantId
      ? d.recentlyWornBy
      : null;
  const WornWarning = ({ d }: { d: UnboundDevice }) => {
    const w = wornByOther(d);
    if (!w) return null;
    return (
      <p class="warn" role="alert" data-testid="recently-worn">
        <Msg
          k="pair.recentlyWorn"
          slots={{
            other: <Data>{w.alias}</Data>,
            min: String(Math.max(0, Math.round((Date.now() - w.lastDataAt) / 60_000))),
          }}
        />
      </p>
    );
  };
  return (
    <section class="pairing" aria-live="polite">
      <h3>
        <Msg k="pair.title" slots={{ alias: <Data>{participant.alias}</Data> }} />
      </h3>
      {c ? (
        <div class="pairing-found" data-testid="pair-candidate">
          <p>
            <Msg
              k="pair.found"
              slots={{
                device: <Data>{c.deviceId}</Data>,
                kind: t(deviceKindKey(c.kind)),
                alias: <Data>{participant.alias}</Data>,
              }}
            />
          </p>
          {!c.registered && <p class="warn">{t('pair.notRegistered')}</p>}
          <WornWarning d={c} />
          {result.value.alsoNew.length > 0 && (
            <p class="warn">{t('pair.several', { n: result.value.alsoNew.length + 1 })}</p>
          )}
          <button
            type="button"
            class="btn btn-primary"
            disabled={busy.value || !c.registered}
            onClick={() => void bind(c.deviceId)}
          >
            {wornByOther(c) ? t('pair.bindAnyway') : t('pair.bind')}
          </button>{' '}
          <button type="button" class="btn" onClick={() => skip(c.deviceId)}>
            {t('pair.notThis')}
          </button>
        </div>
      ) : (
        <p class="pairing-wait">
          <span class="spinner" aria-hidden="true" /> {t('pair.tapNow')}
        </p>
      )}
      <details>
        <summary>{t('pair.manual')}</summary>
        {current.value.length === 0 ? (
          <p>{t('pair.noneUnbound')}</p>
        ) : (
          <ul class="plain">
            {current.value.map((d) => (
              <li key={d.deviceId}>
                <Data>{d.deviceId}</Data> · {t(deviceKindKey(d.kind))}
                {d.label && (
                  <>
                    {' · '}
                    <Data>{d.label}</Data>
                  </>
                )}
                {!d.registered && <span class="muted"> {t('pair.notRegisteredShort')}</span>}{' '}
                <button
                  type="button"
                  class="btn btn-small"
                  disabled={busy.value || !d.registered}
                  onClick={() => void bind(d.deviceId)}
                >
                  {wornByOther(d) ? t('pair.bindAnyway') : t('pair.bind')}
                </button>
                <WornWarning d={d} />
              </li>
            ))}
          </ul>
        )}
      </details>
      {error.value && (
        <p class="error" role="alert">
          <Data>{error.value}</Data>
        </p>
      )}
    </section>
  );
}

/** The session roster: who wears which device; bind with "tap the strap", unbind. */
export function RosterDialog({
  sessionId,
  siteId,
  members = [],
  onClose,
}: {
  sessionId: string;
  siteId: string | null;
  /** Everyone in the live session, also those whose devices were all unbound (they are not monitored). */
  members?: readonly { participantId: string; alias: string }[];
  onClose(): void;
}) {
  const roster = useSignal<RosterParticipant[] | null>(null);
  const due = useDueParticipants();
  const others = useSignal<ParticipantRow[]>([]);
  const pairing = useSignal<{ participantId: string; alias: string } | null>(null);
  const addId = useSignal('');
  const error = useSignal<string | null>(null);

  /** An unbind or a removal waiting for the instructor to confirm it, naming the person (issue 14). */
  const confirm = useSignal<
    | { kind: 'unbind'; deviceId: string; alias: string }
    | { kind: 'remove'; participantId: string; alias: string }
    | null
  >(null);

  const load = async () => {
    try {
      const bound = await endpoints.roster(sessionId);
      const on = new Set(bound.map((r) => r.participantId));
      roster.value = [
        ...bound,
        ...members.filter((m) => !on.has(m.participantId)).map((m) => ({ ...m, devices: [] })),
      ];
      if (siteId) {
        const all = await endpoints.participants(siteId);
        const on = new Set(roster.value.map((r) => r.participantId));
        others.value = all.filter((p) => p.active !== false && !on.has(p.id));
      }
      error.value = null;
    } catch (e) {
      error.value = errorText(e);
    }
  };
  useEffect(() => void load(), [sessionId]);

  const unbind = async (deviceId: string) => {
    confirm.value = null;
    try {
      await endpoints.unbind(sessionId, deviceId);
      await load();
    } catch (e) {
      error.value = errorText(e);
    }
  };
  const remove = async (participantId: string) => {
    confirm.value = null;
    try {
      await endpoints.removeFromSession(sessionId, participantId);
      members = members.filter((m) => m.participantId !== participantId);
      await load();
    } catch (e) {
      error.value = errorText(e);
    }
  };
  const c = confirm.value;

  return (
    <Dialog title={t('roster.title')} onClose={onClose} wide>
      {roster.value === null ? (
        <p>{t('common.loading')}</p>
      ) : (
        <table class="table">
          <thead>
            <tr>
              <th>{t('roster.participant')}</th>
              <th>{t('roster.devices')}</th>
              <th>
                <span class="sr-only">{t('common.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {roster.value.map((r) => (
              <tr key={r.participantId}>
                <td>
                  <Data>{r.alias}</Data> {due.has(r.participantId) && <DueChip />}
                </td>
                <td>
                  {r.devices.length === 0 && <span class="muted">{t('roster.noDevice')}</span>}
                  {r.devices.map((d) => (
                    <span key={d.deviceId} class="chip">
                      <Data>{d.deviceId}</Data>{' '}
                      {d.kind && <span class="muted">{t(deviceKindKey(d.kind))}</span>}{' '}
                      <button
                        type="button"
                        class="btn btn-small"
                        onClick={() =>
                          (confirm.value = { kind: 'unbind', deviceId: d.deviceId, alias: r.alias })
                        }
                        aria-label={t('roster.unbindLabel', { device: d.deviceId })}
                      >
                        {t('roster.unbind')}
                      </button>
                    </span>
                  ))}
                </td>
                <td>
                  <button type="button" class="btn" onClick={() => (pairing.value = r)}>
                    {t('roster.pair')}
                  </button>{' '}
                  <button
                    type="button"
                    class="btn"
                    onClick={() =>
                      (confirm.value = { kind: 'remove', participantId: r.participantId, alias: r.alias })
                    }
                  >
                    {t('roster.remove')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {c && (
        <div class="confirm warn" role="alertdialog" data-testid="roster-confirm">
          <p>
            {c.kind === 'unbind' ? (
              <Msg
                k="roster.unbindConfirm"
                slots={{ device: <Data>{c.deviceId}</Data>, alias: <Data>{c.alias}</Data> }}
              />
            ) : (
              <Msg k="roster.removeConfirm" slots={{ alias: <Data>{c.alias}</Data> }} />
            )}
          </p>
          <button
            type="button"
            class="btn btn-danger"
            onClick={() => void (c.kind === 'unbind' ? unbind(c.deviceId) : remove(c.participantId))}
          >
            {c.kind === 'unbind' ? t('roster.unbindYes') : t('roster.removeYes')}
          </button>{' '}
          <button type="button" class="btn" onClick={() => (confirm.value = null)}>
            {t('common.cancel')}
          </button>
        </div>
      )}
      {others.value.length > 0 && (
        <p class="row">
          <label>
            {t('roster.addLabel')}{' '}
            <select value={addId.value} onChange={(e) => (addId.value = e.currentTarget.value)}>
              <option value="">{t('roster.choose')}</option>
              {others.value.map((p) => (
                <option key={p.id} value={p.id} translate={false}>
                  {p.alias}
                </option>
              ))}
            </select>
          </label>{' '}
          <button
            type="button"
            class="btn"
            disabled={!addId.value}
            onClick={() => {
              const p = others.value.find((x) => x.id === addId.value);
              if (p) pairing.value = { participantId: p.id, alias: p.alias };
            }}
          >
            {t('roster.pair')}
          </button>
        </p>
      )}
      {pairing.value && (
        <Pairing
          key={pairing.value.participantId}
          sessionId={sessionId}
          participant={pairing.value}
          onDone={() => {
            pairing.value = null;
            void load();
          }}
        />
      )}
      {error.value && (
        <p class="error" role="alert">
          <Data>{error.value}</Data>
        </p>
      )}
    </Dialog>
  );
}
