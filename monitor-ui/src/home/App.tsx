import { useSignalEffect } from '@preact/signals';
import { useState } from 'preact/hooks';
import { t } from '../i18n/store.js';
import { enableSound, playPattern, soundState } from '../live/audio.js';
import {
  battery,
  credential,
  devices,
  dropped,
  endSession,
  hr,
  inZoneMs,
  online,
  pair,
  pairDevice,
  queued,
  revoked,
  spo2,
  startSession,
  state,
  zone,
} from './runtime.js';

const mmss = (ms: number): string => {
  const s = Math.floor(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
};

/** Browsers without Web Bluetooth (Safari, Firefox, insecure origins): what to use instead. */
export function Unsupported({ insecure }: { insecure: boolean }) {
  return (
    <main class="home" data-page="unsupported">
      <h1>{t('home.unsupported.title')}</h1>
      <p class="home-lead">{insecure ? t('home.unsupported.insecure') : t('home.unsupported.body')}</p>
    </main>
  );
}

/** Type (or follow the QR link of) the pairing code staff issued. */
export function Pairing({ initialCode }: { initialCode: string }) {
  const [code, setCode] = useState(initialCode);
  const [busy, setBusy] = useState(false);
  const [failed, setFailed] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setFailed(false);
    const ok = await pair(code).catch(() => false);
    setBusy(false);
    if (!ok) setFailed(true);
  };
  return (
    <main class="home" data-page="pair">
      <h1>{t('home.pair.title')}</h1>
      {revoked.value && <p class="home-note home-bad">{t('home.pair.revoked')}</p>}
      <p class="home-lead">{t('home.pair.body')}</p>
      <form onSubmit={submit} class="home-pair">
        <label>
          {t('home.pair.code')}
          <input
            name="code"
            value={code}
            autocomplete="one-time-code"
            autocapitalize="characters"
            inputMode="text"
            maxLength={12}
            onInput={(e) => setCode((e.target as HTMLInputElement).value)}
          />
        </label>
        <button type="submit" class="home-big" disabled={busy || code.trim().length < 8}>
          {busy ? t('home.pair.busy') : t('home.pair.submit')}
        </button>
      </form>
      {failed && (
        <p class="home-note home-bad" role="alert">
          {t('home.pair.failed')}
        </p>
      )}
    </main>
  );
}

/** The lay warning: big, first, with sound and vibration where the browser allows. */
function Warning() {
  const z = zone.value;
  useSignalEffect(() => {
    if (zone.value !== 'over') return;
    navigator.vibrate?.([400, 200, 400]);
    playPattern('warning');
    const again = setInterval(() => {
      navigator.vibrate?.([400, 200, 400]);
      playPattern('warning');
    }, 8000);
    return () => clearInterval(again);
  });
  if (z === 'over') {
    return (
      <section class="home-warning home-warning-over" role="alert" data-warning="over">
        <strong>{t('home.warn.over')}</strong>
        <span>{t('home.warn.over.detail')}</span>
      </section>
    );
  }
  if (z === 'above') {
    return (
      <section class="home-warning home-warning-above" role="status" data-warning="above">
        <strong>{t('home.warn.above')}</strong>
      </section>
    );
  }
  return null;
}

/** The newest alert of the session and whether the coach acknowledged it. */
function CareTeam() {
  const alerts = state.value?.alerts ?? [];
  const newest = alerts.filter((a) => a.state !== 'closed').at(-1) ?? alerts.at(-1);
  if (!newest) return null;
  const acked = newest.acknowledgedAt !== null;
  return (
    <p class={`home-note ${acked ? 'home-good' : ''}`} data-alert-state={acked ? 'acknowledged' : 'open'}>
      {acked
        ? newest.acknowledgedBy
          ? t('home.alert.ack', { name: newest.acknowledgedBy })
          : t('home.alert.ackNoName')
        : t('home.alert.waiting')}
    </p>
  );
}

function Devices() {
  const strap = devices.value['hr-strap'];
  const ox = devices.value.oximeter;
  const [failed, setFailed] = useState(false);
  const connect = (role: 'hr-strap' | 'oximeter') => {
    setFailed(false);
    pairDevice(role)?.catch(() => setFailed(true));
  };
  return (
    <section class="home-devices">
      {strap?.state === 'lost' && (
        <p class="home-note home-bad" role="alert" data-strap="lost">
          {t('home.strap.lost')}
        </p>
      )}
      {strap?.state === 'connected' ? (
        <p class="home-note home-good" data-strap="connected">
          {t('home.strap.connected')}
          {battery.value !== null && ` · ${t('home.strap.battery', { percent: battery.value })}`}
        </p>
      ) : (
        strap?.state !== 'lost' && (
          <button
            type="button"
            class="home-big"
            data-action="connect-strap"
            disabled={strap?.state === 'connecting'}
            onClick={() => connect('hr-strap')}
          >
            {strap?.state === 'connecting' ? t('home.strap.connecting') : t('home.strap.connect')}
          </button>
        )
      )}
      {strap?.state === 'connected' &&
        (ox?.state === 'connected' ? (
          <p class="home-note">{t('home.oximeter.connected')}</p>
        ) : (
          <button type="button" class="home-secondary" onClick={() => connect('oximeter')}>
            {t('home.oximeter.connect')}
          </button>
        ))}
      {failed && <p class="home-note home-bad">{t('home.strap.failed')}</p>}
    </section>
  );
}

function Session() {
  const s = state.value?.session ?? null;
  const strapOk = devices.value['hr-strap']?.device !== undefined;
  const [ended, setEnded] = useState(false);
  const [busy, setBusy] = useState(false);
  const run = (fn: () => Promise<void>, after?: () => void) => async () => {
    setBusy(true);
    try {
      await fn();
      after?.();
    } finally {
      setBusy(false);
    }
  };
  if (s?.status === 'active') {
    return (
      <section class="home-session" data-session="active">
        <button
          type="button"
          class="home-big home-end"
          disabled={busy}
          onClick={run(endSession, () => setEnded(true))}
        >
          {t('home.session.end')}
        </button>
      </section>
    );
  }
  return (
    <section class="home-session" data-session="none">
      {ended && <p class="home-note home-good">{t('home.session.ended')}</p>}
      <button
        type="button"
        class="home-big home-start"
        data-action="start-session"
        disabled={busy || !strapOk}
        onClick={run(startSession, () => setEnded(false))}
      >
        {t('home.session.start')}
      </button>
      {!strapOk && <p class="home-note">{t('home.session.needStrap')}</p>}
    </section>
  );
}

/** The paired phone: HR, zone and time in zone, the session, warnings and the link to the care team. */
export function Exercise() {
  const c = credential.value!;
  const z = state.value?.zone ?? null;
  const zoneKey = {
    unknown: 'home.zone.unknown',
    below: 'home.zone.below',
    in: 'home.zone.in',
    above: 'home.zone.above',
    over: 'home.zone.over',
  } as const;
  return (
    <main
      class="home"
      data-page="exercise"
      data-zone={zone.value}
      data-state={state.value ? 'loaded' : 'loading'}
    >
      <header class="home-head">
        <h1>
          {t('home.hello')}
          <span translate={false}>{state.value?.participantAlias ?? c.participantAlias}</span>
        </h1>
        <p
          class={`home-link ${online.value ? 'home-good' : 'home-bad'}`}
          data-link={online.value ? 'online' : 'offline'}
        >
          {online.value ? t('home.link.online') : t('home.link.offline')}
        </p>
      </header>
      <Warning />
      <section class={`home-hr home-zone-${zone.value}`} aria-live="polite">
        <span class="home-hr-value" data-hr={hr.value ?? ''}>
          {hr.value ?? t('home.hr.none')}
        </span>
        <span class="home-hr-unit">{t('home.hr.unit')}</span>
        <span class="home-zone-name">{t(zoneKey[zone.value])}</span>
        {spo2.value !== null && <span class="home-spo2">{t('home.spo2', { value: spo2.value })}</span>}
      </section>
      {z && (
        <section class="home-zone">
          <p>{t('home.zone.range', { low: z.zoneLowBpm, high: z.zoneHighBpm })}</p>
          <p class="home-zone-time" data-in-zone-ms={inZoneMs.value}>
            {t('home.zone.time', { time: mmss(inZoneMs.value) })}
            {z.minutesInZone !== null && ` · ${t('home.zone.target', { minutes: z.minutesInZone })}`}
          </p>
        </section>
      )}
      <CareTeam />
      <Devices />
      <Session />
      {(queued.value > 0 || dropped.value > 0) && (
        <p class="home-note" data-queued={queued.value} data-dropped={dropped.value}>
          {queued.value > 0 && t('home.link.queued', { count: queued.value })}
          {dropped.value > 0 && ` ${t('home.link.dropped', { count: dropped.value })}`}
        </p>
      )}
      {soundState.value !== 'on' && (
        <button type="button" class="home-secondary" onClick={() => void enableSound()}>
          {t('home.sound.enable')}
        </button>
      )}
    </main>
  );
}
