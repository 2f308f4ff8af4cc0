import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { buildSessionBody, type SessionFormValue } from '../admin/sessionForm.js';
import { endpoints } from '../api/endpoints.js';
import type { Me, UserRow } from '../api/types.js';
import { t } from '../i18n/store.js';
import { ErrorLine, errorFields, errorText, Field, SitePicker, useLoad } from './admin/common.js';

/** A new class (POST /classes): name and a schedule for people to read. */
export function NewClass({ me, onCreated }: { me: Me; onCreated(): void }) {
  const site = useSignal(me.siteIds[0] ?? '');
  const name = useSignal('');
  const schedule = useSignal('');
  const error = useSignal<string | null>(null);
  const fields = useSignal<Record<string, string>>({});
  const done = useSignal(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    done.value = false;
    try {
      await endpoints.createClass({
        siteId: site.value,
        name: name.value,
        ...(schedule.value.trim() ? { schedule: schedule.value.trim() } : {}),
      });
      name.value = '';
      schedule.value = '';
      error.value = null;
      fields.value = {};
      done.value = true;
      onCreated();
    } catch (err) {
      error.value = errorText(err);
      fields.value = errorFields(err);
    }
  };
  return (
    <section>
      <h2>{t('lobby.newClass')}</h2>
      <form class="form-grid" onSubmit={submit} data-testid="new-class">
        <SitePicker sites={me.siteIds} value={site.value} onChange={(v) => (site.value = v)} />
        <Field label={t('lobby.className')} error={fields.value['name']}>
          <input
            name="className"
            required
            maxLength={200}
            value={name.value}
            onInput={(e) => (name.value = e.currentTarget.value)}
          />
        </Field>
        <Field label={t('lobby.schedule')} hint={t('lobby.scheduleHint')} error={fields.value['schedule']}>
          <input value={schedule.value} onInput={(e) => (schedule.value = e.currentTarget.value)} />
        </Field>
        <div>
          <button type="submit" class="btn">
            {t('lobby.createClass')}
          </button>{' '}
          {done.value && (
            <span class="ok" role="status">
              {t('lobby.classCreated')}
            </span>
          )}
        </div>
        <ErrorLine error={error.value} />
      </form>
    </section>
  );
}

/**
 * A new session (POST /sessions): a class session of one of the site's classes, or a home session with
 * its remote coach; optionally started at once. Coaches are listed for administrators (GET /users is
 * theirs); an instructor gives the coach's user id.
 */
export function NewSession({ me, classesKey, onCreated }: { me: Me; classesKey: number; onCreated(): void }) {
  const classes = useLoad(`classes-${classesKey}`, endpoints.classes);
  const coaches = useSignal<UserRow[] | null>(null);
  const form = useSignal<SessionFormValue>({
    siteId: me.siteIds[0] ?? '',
    kind: 'class',
    classId: '',
    name: '',
    coachId: '',
    startNow: false,
  });
  const error = useSignal<string | null>(null);
  const fields = useSignal<Record<string, string>>({});
  const done = useSignal(false);
  useEffect(() => {
    if (!me.roles.includes('admin')) return;
    endpoints.users().then(
      (u) => (coaches.value = u.filter((x) => x.roles.includes('coach') && !x.disabled)),
      () => (coaches.value = null),
    );
  }, []);
  const f = form.value;
  const siteClasses = (classes.data.value ?? []).filter((c) => c.siteId === f.siteId && !c.archived);
  // The first class of the site until one is chosen.
  const classId = f.classId || siteClasses[0]?.id || '';
  const set = (patch: Partial<SessionFormValue>) => (form.value = { ...form.value, ...patch });
  const submit = async (e: Event) => {
    e.preventDefault();
    done.value = false;
    try {
      const created = await endpoints.createSession(buildSessionBody({ ...f, classId }));
      if (f.startNow) await endpoints.startSession(created.id);
      form.value = { ...f, name: '', startNow: false };
      error.value = null;
      fields.value = {};
      done.value = true;
      onCreated();
    } catch (err) {
      error.value = errorText(err);
      fields.value = errorFields(err);
    }
  };
  return (
    <section>
      <h2>{t('lobby.newSession')}</h2>
      <form class="form-grid" onSubmit={submit} data-testid="new-session">
        <SitePicker sites={me.siteIds} value={f.siteId} onChange={(v) => set({ siteId: v, classId: '' })} />
        <Field label={t('lobby.kind')} error={fields.value['kind']}>
          <select
            name="kind"
            value={f.kind}
            onChange={(e) => set({ kind: e.currentTarget.value === 'home' ? 'home' : 'class' })}
          >
            <option value="class">{t('lobby.kindClass')}</option>
            <option value="home">{t('lobby.kindHome')}</option>
          </select>
        </Field>
        {f.kind === 'class' ? (
          <Field label={t('lobby.class')} error={fields.value['classId']}>
            {siteClasses.length === 0 ? (
              <span class="muted">{t('lobby.noClass')}</span>
            ) : (
              <select
                name="classId"
                value={classId}
                onChange={(e) => set({ classId: e.currentTarget.value })}
              >
                {siteClasses.map((c) => (
                  <option key={c.id} value={c.id} translate={false}>
                    {c.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
        ) : coaches.value ? (
          <Field label={t('lobby.coach')} error={fields.value['coachId']}>
            <select
              name="coachId"
              value={f.coachId}
              onChange={(e) => set({ coachId: e.currentTarget.value })}
            >
              <option value="">{t('lobby.noCoach')}</option>
              {coaches.value
                .filter((u) => u.siteIds.includes(f.siteId))
                .map((u) => (
                  <option key={u.id} value={u.id} translate={false}>
                    {u.displayName}
                  </option>
                ))}
            </select>
          </Field>
        ) : (
          <Field label={t('lobby.coachId')} error={fields.value['coachId']}>
            <input
              name="coachId"
              value={f.coachId}
              onInput={(e) => set({ coachId: e.currentTarget.value })}
            />
          </Field>
        )}
        <Field label={t('lobby.sessionName')} hint={t('lobby.sessionNameHint')} error={fields.value['name']}>
          <input
            name="sessionName"
            maxLength={200}
            value={f.name}
            onInput={(e) => set({ name: e.currentTarget.value })}
          />
        </Field>
        <label class="field-check">
          <input
            type="checkbox"
            name="startNow"
            checked={f.startNow}
            onChange={(e) => set({ startNow: e.currentTarget.checked })}
          />{' '}
          {t('lobby.startNow')}
        </label>
        <div>
          <button
            type="submit"
            class="btn btn-primary"
            disabled={f.kind === 'class' && siteClasses.length === 0}
          >
            {t('lobby.createSession')}
          </button>{' '}
          {done.value && (
            <span class="ok" role="status">
              {t('lobby.sessionCreated')}
            </span>
          )}
        </div>
        <ErrorLine error={error.value} />
      </form>
    </section>
  );
}
