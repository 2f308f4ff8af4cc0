import { useSignal } from '@preact/signals';
import type { Severity } from '@zonewatch/protocol';
import { useEffect } from 'preact/hooks';
import { ApiError } from '../api/client.js';
import { endpoints } from '../api/endpoints.js';
import type { SessionSummary } from '../api/types.js';
import { formatDateTime } from '../format.js';
import { language, t } from '../i18n/store.js';
import { href, type Route } from '../router.js';
import { AlarmIcon } from './icons.js';
import { SEVERITY_KEY, STATUS_KEY } from './labels.js';
import { Data } from './Msg.js';

/** How often session lists refresh (ms). */
const LIST_REFRESH_MS = 10_000;

export function AlertBadges({ counts }: { counts: SessionSummary['openAlerts'] }) {
  const sev: Severity[] = ['critical', 'warning', 'advisory'];
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
        if (!stopped) error.value = e instanceof ApiError ? e.message : String(e);
      }
    };
    void load();
    const timer = setInterval(() => void load(), LIST_REFRESH_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [JSON.stringify(query)]);
  return { list, error };
}

export function SessionTable({
  sessions,
  open,
  empty,
  testid,
}: {
  sessions: SessionSummary[] | null;
  open: (s: SessionSummary) => { route: Route; label: string }[];
  empty: string;
  testid: string;
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
              <Data>{s.name || s.id}</Data>
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
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Class sessions an instructor can put on the wall. */
export function WallLobby() {
  const { list, error } = useSessions({ kind: 'class' });
  const all = list.value;
  const current = all?.filter((s) => s.status !== 'ended') ?? null;
  const ended = all?.filter((s) => s.status === 'ended').slice(0, 10) ?? null;
  return (
    <main class="page">
      <h1>{t('lobby.title')}</h1>
      {error.value && (
        <p class="error" role="alert">
          <Data>{error.value}</Data>
        </p>
      )}
      <h2>{t('lobby.current')}</h2>
      <SessionTable
        testid="class-sessions"
        sessions={current}
        empty={t('lobby.none')}
        open={(s) => [{ route: { name: 'wall', sessionId: s.id }, label: t('lobby.openWall') }]}
      />
      <h2>{t('lobby.ended')}</h2>
      <SessionTable
        testid="class-sessions-ended"
        sessions={ended}
        empty={t('lobby.noneEnded')}
        open={(s) => [{ route: { name: 'report', sessionId: s.id }, label: t('coach.openReport') }]}
      />
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
