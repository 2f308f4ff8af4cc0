import { useSignal } from '@preact/signals';
import { endpoints } from '../../api/endpoints.js';
import { type Me, ROLES, type Role, type UserRow } from '../../api/types.js';
import { t } from '../../i18n/store.js';
import { ROLE_KEY } from '../labels.js';
import { Data } from '../Msg.js';
import { ErrorLine, errorText, Field, useLoad } from './common.js';

function RoleBoxes({
  value,
  onChange,
  name,
}: {
  value: readonly Role[];
  onChange(r: Role[]): void;
  name: string;
}) {
  return (
    <fieldset class="roles">
      <legend class="sr-only">{t('users.roles')}</legend>
      {ROLES.map((r) => (
        <label key={r} class="field-check">
          <input
            type="checkbox"
            name={name}
            checked={value.includes(r)}
            onChange={(e) => onChange(e.currentTarget.checked ? [...value, r] : value.filter((x) => x !== r))}
          />{' '}
          {t(ROLE_KEY[r])}
        </label>
      ))}
    </fieldset>
  );
}

export function Users({ me }: { me: Me }) {
  const { data, error, reload } = useLoad('users', endpoints.users);
  const form = useSignal({
    username: '',
    displayName: '',
    password: '',
    roles: [] as Role[],
    siteIds: me.siteIds.join(', '),
  });
  const saveError = useSignal<string | null>(null);
  const f = form.value;
  const add = async (e: Event) => {
    e.preventDefault();
    try {
      await endpoints.createUser({
        username: f.username.trim(),
        displayName: f.displayName.trim() || f.username.trim(),
        password: f.password,
        roles: f.roles,
        siteIds: f.siteIds
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      });
      form.value = { ...f, username: '', displayName: '', password: '', roles: [] };
      saveError.value = null;
      reload();
    } catch (err) {
      saveError.value = errorText(err);
    }
  };
  const patch = async (id: string, body: Partial<Pick<UserRow, 'roles' | 'disabled'>>) => {
    try {
      await endpoints.patchUser(id, body);
      saveError.value = null;
      reload();
    } catch (err) {
      saveError.value = errorText(err);
    }
  };
  return (
    <section>
      <h2>{t('admin.users')}</h2>
      <ErrorLine error={error.value} />
      {data.value && (
        <table class="table" data-testid="users">
          <thead>
            <tr>
              <th>{t('users.username')}</th>
              <th>{t('users.displayName')}</th>
              <th>{t('users.roles')}</th>
              <th>{t('admin.site')}</th>
              <th>{t('users.status')}</th>
            </tr>
          </thead>
          <tbody>
            {data.value.map((u) => (
              <tr key={u.id}>
                <td>
                  <Data>{u.username}</Data>
                </td>
                <td>
                  <Data>{u.displayName}</Data>
                </td>
                <td>
                  <RoleBoxes
                    name={`roles-${u.id}`}
                    value={u.roles}
                    onChange={(roles) => void patch(u.id, { roles })}
                  />
                </td>
                <td>
                  <Data>{u.siteIds.join(', ')}</Data>
                </td>
                <td>
                  <button
                    type="button"
                    class="btn btn-small"
                    disabled={u.id === me.id}
                    onClick={() => void patch(u.id, { disabled: !u.disabled })}
                  >
                    {u.disabled ? t('users.enable') : t('users.disable')}
                  </button>{' '}
                  {u.disabled && <span class="muted">{t('users.disabled')}</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h3>{t('users.add')}</h3>
      <form class="form-grid" onSubmit={add}>
        <Field label={t('users.username')}>
          <input
            required
            autocomplete="off"
            value={f.username}
            onInput={(e) => (form.value = { ...f, username: e.currentTarget.value })}
          />
        </Field>
        <Field label={t('users.displayName')}>
          <input
            value={f.displayName}
            onInput={(e) => (form.value = { ...f, displayName: e.currentTarget.value })}
          />
        </Field>
        <Field label={t('users.password')}>
          <input
            required
            type="password"
            autocomplete="new-password"
            value={f.password}
            onInput={(e) => (form.value = { ...f, password: e.currentTarget.value })}
          />
        </Field>
        <Field label={t('users.sites')} hint={t('clinical.listHint')}>
          <input value={f.siteIds} onInput={(e) => (form.value = { ...f, siteIds: e.currentTarget.value })} />
        </Field>
        <RoleBoxes name="new-roles" value={f.roles} onChange={(roles) => (form.value = { ...f, roles })} />
        <div>
          <button type="submit" class="btn btn-primary">
            {t('users.addButton')}
          </button>
        </div>
        <ErrorLine error={saveError.value} />
      </form>
    </section>
  );
}
