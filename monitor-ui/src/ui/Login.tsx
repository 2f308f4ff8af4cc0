import { useSignal } from '@preact/signals';
import type { ComponentChildren } from 'preact';
import { ApiError } from '../api/client.js';
import { endpoints } from '../api/endpoints.js';
import { describeError } from '../api/errors.js';
import { t } from '../i18n/store.js';
import { loggedIn, loginNotice } from './session.js';

export function Login({ languageSwitch }: { languageSwitch: ComponentChildren }) {
  const username = useSignal('');
  const password = useSignal('');
  const error = useSignal<string | null>(null);
  const busy = useSignal(false);
  const notice = loginNotice.value;
  const noticeKey = notice ? (describeError(notice, 401, '').key ?? 'error.unauthenticated') : null;
  const submit = async (e: Event) => {
    e.preventDefault();
    busy.value = true;
    error.value = null;
    try {
      const user = await endpoints.login(username.value.trim(), password.value);
      password.value = '';
      loggedIn(user);
    } catch (err) {
      error.value =
        err instanceof ApiError && (err.status === 401 || err.status === 400)
          ? t('login.failed')
          : err instanceof ApiError && err.status === 0
            ? t('login.unreachable')
            : t('login.error');
    } finally {
      busy.value = false;
    }
  };
  return (
    <main class="login">
      <form class="login-card" onSubmit={submit} aria-labelledby="login-title">
        <div class="login-top">
          <span class="brand" translate={false}>
            zonewatch
          </span>
          {languageSwitch}
        </div>
        <h1 id="login-title">{t('login.title')}</h1>
        <p class="muted">{t('login.subtitle')}</p>
        {noticeKey && (
          <p class="login-notice" role="alert" data-testid="login-notice" data-code={notice}>
            {t(noticeKey)}
          </p>
        )}
        <label class="field">
          <span class="field-label">{t('login.username')}</span>
          <input
            name="username"
            autocomplete="username"
            required
            value={username.value}
            onInput={(e) => (username.value = e.currentTarget.value)}
          />
        </label>
        <label class="field">
          <span class="field-label">{t('login.password')}</span>
          <input
            name="password"
            type="password"
            autocomplete="current-password"
            required
            value={password.value}
            onInput={(e) => (password.value = e.currentTarget.value)}
          />
        </label>
        {error.value && (
          <p class="error" role="alert">
            {error.value}
          </p>
        )}
        <button type="submit" class="btn btn-primary btn-block" disabled={busy.value}>
          {busy.value ? t('login.busy') : t('login.submit')}
        </button>
      </form>
    </main>
  );
}
