import { useEffect, useState } from 'preact/hooks';
import { language, t } from '../i18n/store.js';
import { type Loaded, loadSession, loadView, type Refusal } from './api.js';
import { setParticipantLanguage } from './lang.js';
import { Overview } from './Overview.js';
import { type PRoute, parsePRoute } from './route.js';
import { SessionPage } from './SessionPage.js';
import { dateIn } from './words.js';

function useHashRoute(): PRoute {
  const [route, setRoute] = useState(() => parsePRoute(location.hash));
  useEffect(() => {
    const on = () => setRoute(parsePRoute(location.hash));
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return route;
}

/** A refused link: a clear page that names what happened and what to do, and no data at all. */
export function RefusedPage(props: { why: Refusal }) {
  const text =
    props.why === 'expired' ? t('me.expired') : props.why === 'revoked' ? t('me.revoked') : t('me.invalid');
  return (
    <main class="p-page p-refused" data-refused={props.why}>
      <h1>{t('me.refusedTitle')}</h1>
      <p class="p-lead">{text}</p>
    </main>
  );
}

function LanguageSwitch() {
  const lang = language.value;
  return (
    <div class="p-lang no-print" translate={false}>
      <button
        type="button"
        lang="zh-CN"
        aria-pressed={lang === 'zh-CN'}
        onClick={() => setParticipantLanguage('zh-CN')}
      >
        {'中文'}
      </button>
      <button
        type="button"
        lang="en"
        aria-pressed={lang === 'en'}
        onClick={() => setParticipantLanguage('en')}
      >
        {'English'}
      </button>
    </div>
  );
}

/** Shown above the figures when they come from the phone's copy (no network). */
function OfflineNote(props: { savedAt: number; tz: string }) {
  return (
    <p class="p-offline" role="status">
      {t('me.offline', { date: dateIn(props.savedAt, props.tz, language.value) })}
    </p>
  );
}

function useLoaded<T>(fn: () => Promise<Loaded<T>>, deps: unknown[]): Loaded<T> | null {
  const [state, setState] = useState<Loaded<T> | null>(null);
  useEffect(() => {
    let live = true;
    setState(null);
    fn().then((s) => live && setState(s));
    return () => {
      live = false;
    };
  }, deps);
  return state;
}

/** The participant's own view: the overview or one session, by the hash. */
export function ParticipantApp() {
  const route = useHashRoute();
  const { token, sessionId } = route;
  const view = useLoaded(
    () => (token ? loadView(token) : Promise.resolve({ kind: 'refused', why: 'invalid' } as const)),
    [token],
  );
  const session = useLoaded(
    () => (token && sessionId ? loadSession(token, sessionId) : Promise.resolve(null as never)),
    [token, sessionId],
  );
  if (!view) return <p class="p-page p-muted">{t('me.loading')}</p>;
  if (view.kind === 'refused') return <RefusedPage why={view.why} />;
  if (view.kind === 'failed')
    return (
      <main class="p-page">
        <p class="p-lead">{t('me.failed')}</p>
      </main>
    );
  const v = view.data;
  const tz = v.centre.timezone;
  return (
    <>
      <header class="p-header">
        <div>
          <div class="p-centre" translate={false}>
            {v.centre.name}
          </div>
          <div class="p-alias" translate={false}>
            {v.alias}
          </div>
        </div>
        <LanguageSwitch />
      </header>
      {view.kind === 'offline' && <OfflineNote savedAt={view.savedAt} tz={tz} />}
      {sessionId ? (
        session === null ? (
          <p class="p-page p-muted">{t('me.loading')}</p>
        ) : session.kind === 'refused' ? (
          <RefusedPage why={session.why} />
        ) : session.kind === 'failed' ? (
          <main class="p-page">
            <p class="p-lead">{t('me.failed')}</p>
          </main>
        ) : (
          <SessionPage token={token} detail={session.data} />
        )
      ) : (
        <Overview token={token} view={v} />
      )}
    </>
  );
}
