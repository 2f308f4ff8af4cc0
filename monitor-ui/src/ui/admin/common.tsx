import { type Signal, useSignal } from '@preact/signals';
import type { ComponentChildren } from 'preact';
import { useEffect } from 'preact/hooks';
import { ApiError } from '../../api/client.js';
import { describeError, fieldIssues, issueWording } from '../../api/errors.js';
import { ContractError } from '../../api/normalize.js';
import { t } from '../../i18n/store.js';
import { href } from '../../router.js';
import { Data } from '../Msg.js';

/**
 * What to show for a failed request: the translated message for a known `ZW_ERR_*` code (with the
 * server's detail where it names the field or state), else the server's own text.
 */
export function errorText(e: unknown): string {
  if (e instanceof ApiError) {
    const v = describeError(e.code, e.status, e.message);
    if (v.key === null) return v.detail ?? String(e.status);
    // A 400 with issues: each reason worded by the console from its code, never the server's sentence.
    const detail = e.issues.length > 0 ? issuesText(e.issues) : v.detail;
    return detail ? t('error.withDetail', { message: t(v.key), detail }) : t(v.key);
  }
  return e instanceof ContractError ? e.message : String(e);
}

/** One issue's reason in the console's language (from its code). */
export function issueText(issue: Parameters<typeof issueWording>[0]): string {
  const w = issueWording(issue);
  return t(w.key, w.params);
}

/** The distinct reasons of a 400's issues, in the console's language. */
function issuesText(issues: readonly Parameters<typeof issueWording>[0][]): string {
  return [...new Set(issues.map(issueText))].join(t('common.listSep'));
}

/** The per-field reasons of a refused request (`body.alias` → `alias`), worded by the console; empty for other errors. */
export function errorFields(e: unknown, part = 'body'): Record<string, string> {
  if (!(e instanceof ApiError)) return {};
  return Object.fromEntries(Object.entries(fieldIssues(e.issues, part)).map(([f, i]) => [f, issueText(i)]));
}

/** Runs a loader whenever `key` changes (null: not yet), with reload; `data` is null while loading. */
export function useLoad<T>(
  key: string | null,
  load: () => Promise<T>,
): { data: Signal<T | null>; error: Signal<string | null>; reload(): void } {
  const data = useSignal<T | null>(null);
  const error = useSignal<string | null>(null);
  const tick = useSignal(0);
  useEffect(() => {
    if (key === null) return;
    let stopped = false;
    load().then(
      (v) => {
        if (!stopped) {
          data.value = v;
          error.value = null;
        }
      },
      (e: unknown) => {
        if (!stopped) error.value = errorText(e);
      },
    );
    return () => {
      stopped = true;
    };
  }, [key, tick.value]);
  return { data, error, reload: () => (tick.value += 1) };
}

export function ErrorLine({ error }: { error: string | null }) {
  if (!error) return null;
  return (
    <p class="error" role="alert">
      <Data>{error}</Data>
    </p>
  );
}

/** Tabs of the admin area. */
export function AdminNav({
  current,
  sections,
}: {
  current: string;
  sections: readonly { id: 'participants' | 'devices' | 'gateways' | 'users' | 'audit'; label: string }[];
}) {
  return (
    <nav class="tabs" aria-label={t('admin.title')}>
      {sections.map((s) => (
        <a
          key={s.id}
          class={`tab${current === s.id ? ' active' : ''}`}
          href={href({ name: 'admin', section: s.id })}
          aria-current={current === s.id ? 'page' : undefined}
        >
          {s.label}
        </a>
      ))}
    </nav>
  );
}

/** Chooses one of the user's sites (most users have one; then this shows just its name). */
export function SitePicker({
  sites,
  value,
  onChange,
}: {
  sites: readonly string[];
  value: string;
  onChange(v: string): void;
}) {
  if (sites.length <= 1)
    return (
      <p class="muted">
        {t('admin.site')} <Data>{value || '--'}</Data>
      </p>
    );
  return (
    <label class="field-inline">
      {t('admin.site')}{' '}
      <select value={value} onChange={(e) => onChange(e.currentTarget.value)}>
        {sites.map((s) => (
          <option key={s} value={s} translate={false}>
            {s}
          </option>
        ))}
      </select>
    </label>
  );
}

/**
 * A labelled control. `error` is the server's reason for refusing this field: shown right under the
 * control, inside its label (so it is read with the field) and announced when it appears.
 */
export function Field({
  label,
  children,
  hint,
  error,
}: {
  label: string;
  children: ComponentChildren;
  hint?: string;
  error?: string | undefined;
}) {
  return (
    // biome-ignore lint/a11y/noLabelWithoutControl: the control is passed in as children
    <label class={`field${error ? ' field-invalid' : ''}`}>
      <span class="field-label">{label}</span>
      {children}
      {hint && <span class="field-hint">{hint}</span>}
      {error && (
        <span class="field-error error" role="alert" data-testid="field-error">
          <Data>{error}</Data>
        </span>
      )}
    </label>
  );
}
