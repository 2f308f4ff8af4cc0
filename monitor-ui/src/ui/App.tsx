import { useEffect } from 'preact/hooks';
import { endpoints } from '../api/endpoints.js';
import type { Me } from '../api/types.js';
import { LANGUAGES } from '../i18n/i18n.js';
import { language, setLanguage, t } from '../i18n/store.js';
import { areaOf, canUse, homeFor, href, type Route } from '../router.js';
import { Lazy } from './Lazy.js';
import { Login } from './Login.js';
import { ROLE_KEY } from './labels.js';
import { Data } from './Msg.js';
import { CoachHome, WallLobby } from './SessionList.js';
import { me, navigate, rememberDeepLink, route } from './session.js';
import { Wall } from './Wall.js';

function LanguageSwitch() {
  return (
    <fieldset class="lang-switch">
      <legend class="sr-only">{t('app.language')}</legend>
      {LANGUAGES.map((l) => (
        <button
          key={l}
          type="button"
          class={`btn btn-small${language.value === l ? ' active' : ''}`}
          aria-pressed={language.value === l}
          lang={l}
          translate={false}
          data-lang={l}
          onClick={() => setLanguage(l)}
        >
          {l === 'zh-CN' ? '中文' : 'English'}
        </button>
      ))}
    </fieldset>
  );
}

function Header({ user }: { user: Me }) {
  const r = route.value;
  const area = areaOf(r);
  const links: { area: 'wall' | 'coach' | 'participants' | 'record'; route: Route; label: string }[] = [];
  if (canUse('wall', user.roles))
    links.push({ area: 'wall', route: { name: 'wall-lobby' }, label: t('nav.wall') });
  if (canUse('coach', user.roles))
    links.push({ area: 'coach', route: { name: 'coach' }, label: t('nav.coach') });
  if (canUse('record', user.roles))
    links.push({ area: 'record', route: { name: 'records' }, label: t('nav.records') });
  const adminHome = homeFor(user.roles.filter((x) => x !== 'instructor' && x !== 'coach'));
  const showAdmin = (['participants', 'devices', 'gateways', 'users'] as const).some((a) =>
    canUse(a, user.roles),
  );
  const logout = async () => {
    await endpoints.logout().catch(() => undefined);
    me.value = null;
    navigate({ name: 'login' });
  };
  return (
    <header class="app-header">
      <a class="brand" href="#/" translate={false}>
        zonewatch
      </a>
      <nav class="main-nav" aria-label={t('nav.label')}>
        {links.map((l) => (
          <a
            key={l.area}
            href={href(l.route)}
            class={area === l.area ? 'active' : ''}
            aria-current={area === l.area ? 'page' : undefined}
          >
            {l.label}
          </a>
        ))}
        {showAdmin && (
          <a
            href={href(adminHome.name === 'admin' ? adminHome : { name: 'admin', section: 'devices' })}
            class={r.name === 'admin' ? 'active' : ''}
            aria-current={r.name === 'admin' ? 'page' : undefined}
          >
            {t('nav.admin')}
          </a>
        )}
      </nav>
      <span class="spacer" />
      <span class="who">
        <Data>{user.displayName}</Data>{' '}
        <span class="muted">{user.roles.map((x) => t(ROLE_KEY[x])).join(' · ')}</span>
      </span>
      <LanguageSwitch />
      <button type="button" class="btn btn-small" onClick={() => void logout()}>
        {t('nav.logout')}
      </button>
    </header>
  );
}

function Forbidden() {
  return (
    <main class="page">
      <p class="error">{t('app.forbidden')}</p>
      <a class="btn" href="#/">
        {t('app.goHome')}
      </a>
    </main>
  );
}

const loadCoachLive = () => import('./CoachLive.js');
const loadReport = () => import('./Report.js');
const loadAdmin = () => import('./admin/AdminArea.js');
const loadRecord = () => import('./record/index.js');

function Page({ user }: { user: Me }) {
  const r = route.value;
  const area = areaOf(r);
  if (area && !canUse(area, user.roles)) return <Forbidden />;
  switch (r.name) {
    case 'home':
    case 'login':
      return null;
    case 'wall-lobby':
      return <WallLobby me={user} />;
    case 'wall':
      return (
        <Wall
          key={r.sessionId}
          sessionId={r.sessionId}
          canControl={user.roles.some((x) => x === 'instructor' || x === 'admin')}
        />
      );
    case 'coach':
      return <CoachHome />;
    case 'coach-live':
      return (
        <Lazy
          load={loadCoachLive}
          render={(m) => <m.CoachLive key={r.sessionId} sessionId={r.sessionId} />}
        />
      );
    case 'report':
      return (
        <Lazy load={loadReport} render={(m) => <m.Report key={r.sessionId} sessionId={r.sessionId} />} />
      );
    case 'records':
      return <Lazy load={loadRecord} render={(m) => <m.RecordList />} />;
    case 'record':
      return (
        <Lazy
          load={loadRecord}
          render={(m) => <m.RecordPage key={r.participantId} participantId={r.participantId} />}
        />
      );
    case 'admin':
      return <Lazy load={loadAdmin} render={(m) => <m.AdminArea user={user} r={r} />} />;
    case 'not-found':
      return <Forbidden />;
  }
}

export function App() {
  useEffect(() => {
    endpoints.me().then(
      (u) => {
        me.value = u;
        if (u && (route.value.name === 'home' || route.value.name === 'login')) navigate(homeFor(u.roles));
      },
      () => {
        rememberDeepLink();
        me.value = null;
      },
    );
  }, []);

  const user = me.value;
  const r = route.value;
  useEffect(() => {
    if (user && (r.name === 'home' || r.name === 'login')) navigate(homeFor(user.roles));
  }, [user, r.name]);

  if (user === undefined) return <p class="page">{t('common.loading')}</p>;
  if (user === null) return <Login languageSwitch={<LanguageSwitch />} />;
  const fullBleed = r.name === 'wall';
  return (
    <div class={`app${fullBleed ? ' app-wall' : ''}`}>
      <Header user={user} />
      <Page user={user} />
    </div>
  );
}
