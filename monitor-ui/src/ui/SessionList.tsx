import { useSignal } from '@preact/signals';
import { SEVERITIES, type Severity } from '@zonewatch/protocol';
import type { ComponentChildren } from 'preact';
import { useEffect } from 'preact/hooks';
import { endpoints } from '../api/endpoints.js';
import type { Me, SessionSummary } from '../api/types.js';
import { formatDateTime } from '../format.js';
import { language, t } from '../i18n/store.js';
import { href, type Route } from '../router.js';
import { ErrorLine, errorText } from './admin/common.js';
import { AlarmIcon } from './icons.js';
import { SEVERITY_KEY, STATUS_KEY, sessionDisplayName } from './labels.js';
import { Data } from './Msg.js';
import { NewClass, NewSession } from './SessionForms.js';

/** How often session lists refresh (ms). */
const LIST_REFRESH_MS = 10_000;

export function AlertBadges({ counts }: { counts: SessionSummary['openAlerts'] }) {
  const sev: Severity[] = [...SEVERITIES].reverse();
  const shown = sev.filter((s) => counts[s] > 0);
  if (shown.length === 0) return <span class="muted">{t('sessions.noAlerts')}</span>;
  return (
    <span class="alert-badges">
      {shown.map((s) => (
        <span key={s} class={`alert-badge sev-${s}`} title={t(SEVERITY_KEY[s])}>
          <AlarmIcon severity={s} />{' '}
          {t('sessions.alertCount', { n: counts[s], severity: t(SEVERITY_KEY[s]) })}
        </span>
      ))}
    </span>
  );
}

/** Loads `/sessions?{query}` and refreshes it every 10 s. */
export function useSessions(query: Parameters<typeof endpoints.sessions>[0]) {
  const list = useSignal<SessionSummary[] | null>(null);
  const error = useSignal<string | null>(null);
  const tick = useSignal(0);
  useEffect(() => {
    let stopped = false;
    const load = async () => {
      try {
        const r = await endpoints.sessions(query);
        if (!stopped) {
          list.value = r;
          error.value = null;
        }
      } catch (e) {
        if (!stopped) error.value = errorText(e);
      }
    };
    void load();
    const timer = setInterval(() => void load(), LIST_REFRESH_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [JSON.stringify(query), tick.value]);
  return { list, error, reload: () => (tick.value += 1) };
}

export function SessionTable({
  sessions,
  open,
  empty,
  testid,
  extra,
}: {
  sessions: SessionSummary[] | null;
  open: (s: SessionSummary) => { route: Route; label: string }[];
  empty: string;
  testid: string;
  /** More actions of a row (buttons). */
  extra?: (s: SessionSummary) => ComponentChildren;
}) {
  if (sessions === null) return <p>{t('common.loading')}</p>;
  if (sessions.length === 0) return <p class="muted">{empty}</p>;
  return (
    <table class="table" data-testid={testid}>
      <thead>
        <tr>
          <th>{t('sessions.name')}</th>
          <th>{t('sessions.status')}</th>
          <th>{t('sessions.started')}</th>
          <th>{t('sessions.participants')}</th>
          <th>{t('sessions.alerts')}</th>
          <th>
            <span class="sr-only">{t('common.actions')}</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {sessions.map((s) => (
          <tr key={s.id} data-session={s.id}>
            <td>
              <Data>{sessionDisplayName(s, s.id, t)}</Data>
            </td>
            <td>
              <span class={`status status-${s.status}`}>{t(STATUS_KEY[s.status])}</span>
            </td>
            <td>{s.startedAt ? formatDateTime(s.startedAt, language.value) : '--'}</td>
            <td>{s.participantCount}</td>
            <td>
              <AlertBadges counts={s.openAlerts} />
            </td>
            <td class="actions">
              {open(s).map((o) => (
                <a key={o.label} class="btn" href={href(o.route)}>
                  {o.label}
                </a>
              ))}
              {extra?.(s)}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Class sessions an instructor can put on the wall; instructors also create classes and sessions here. */
export function WallLobby({ me }: { me: Me }) {
  const { list, error, reload } = useSessions({ kind: 'class' });
  const startError = useSignal<string | null>(null);
  const starting = useSignal<string | null>(null);
  const classesTick = useSignal(0);
  // POST /classes, /sessions, /sessions/:id/start: instructors and administrators.
  const canManage = me.roles.includes('admin') || me.roles.includes('instructor');
  const all = list.value;
  const current = all?.filter((s) => s.status !== 'ended') ?? null;
  const ended = all?.filter((s) => s.status === 'ended').slice(0, 10) ?? null;
  const start = async (s: SessionSummary) => {
    starting.value = s.id;
    try {
      await endpoints.startSession(s.id);
      startError.value = null;
      reload();
    } catch (e) {
      startError.value = errorText(e);
    } finally {
      starting.value = null;
    }
  };
  return (
    <main class="page">
      <h1>{t('lobby.title')}</h1>
      {error.value && (
        <p class="error" role="alert">
          <Data>{error.value}</Data>
        </p>
      )}
      <h2>{t('lobby.current')}</h2>
      <ErrorLine error={startError.value} />
      <SessionTable
        testid="class-sessions"
        sessions={current}
        empty={t('lobby.none')}
        open={(s) => [{ route: { name: 'wall', sessionId: s.id }, label: t('lobby.openWall') }]}
        extra={(s) =>
          canManage &&
          s.status === 'scheduled' && (
            <button
              type="button"
              class="btn btn-primary"
              data-action="start"
              disabled={starting.value === s.id}
              aria-label={t('lobby.startLabel', { name: sessionDisplayName(s, s.id, t) })}
              onClick={() => void start(s)}
            >
              {t('lobby.start')}
            </button>
          )
        }
      />
      <h2>{t('lobby.ended')}</h2>
      <SessionTable
        testid="class-sessions-ended"
        sessions={ended}
        empty={t('lobby.noneEnded')}
        open={(s) => [{ route: { name: 'report', sessionId: s.id }, label: t('coach.openReport') }]}
      />
      {canManage && (
        <div class="lobby-forms">
          <NewSession me={me} classesKey={classesTick.value} onCreated={reload} />
          <NewClass me={me} onCreated={() => (classesTick.value += 1)} />
        </div>
      )}
    </main>
  );
}

/** Home sessions for a remote coach: live now, and recent ones with their reports. */
export function CoachHome() {
  const live = useSessions({ kind: 'home', status: 'active' });
  const recent = useSessions({ kind: 'home', status: 'ended' });
  return (
    <main class="page">
      <h1>{t('coach.title')}</h1>
      {(live.error.value || recent.error.value) && (
        <p class="error" role="alert">
          <Data>{live.error.value ?? recent.error.value}</Data>
        </p>
      )}
      <h2>{t('coach.liveNow')}</h2>
      <SessionTable
        testid="home-live"
        sessions={live.list.value}
        empty={t('coach.noneLive')}
        open={(s) => [{ route: { name: 'coach-live', sessionId: s.id }, label: t('coach.watch') }]}
      />
      <h2>{t('coach.recent')}</h2>
      <SessionTable
        testid="home-recent"
        sessions={recent.list.value?.slice(0, 20) ?? null}
        empty={t('coach.noneRecent')}
        open={(s) => [{ route: { name: 'report', sessionId: s.id }, label: t('coach.openReport') }]}
      />
    </main>
  );
}
