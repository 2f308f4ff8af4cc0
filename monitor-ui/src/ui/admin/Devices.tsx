import { useSignal } from '@preact/signals';
import { endpoints } from '../../api/endpoints.js';
import type { GatewaySecretResponse, Me } from '../../api/types.js';
import { formatDateTime } from '../../format.js';
import { language, t } from '../../i18n/store.js';
import { Dialog } from '../Dialog.js';
import { DEVICE_KIND_KEY, deviceKindKey } from '../labels.js';
import { Data, Msg } from '../Msg.js';
import { ErrorLine, errorText, Field, SitePicker, useLoad } from './common.js';

export function Devices({ me }: { me: Me }) {
  const { data, error, reload } = useLoad('devices', endpoints.devices);
  const form = useSignal({ id: '', kind: 'hr-strap', model: '', label: '', siteId: me.siteIds[0] ?? '' });
  const saveError = useSignal<string | null>(null);
  const f = form.value;
  const add = async (e: Event) => {
    e.preventDefault();
    try {
      await endpoints.createDevice({
        id: f.id.trim(),
        siteId: f.siteId,
        kind: f.kind,
        ...(f.model.trim() ? { model: f.model.trim() } : {}),
        ...(f.label.trim() ? { label: f.label.trim() } : {}),
      });
      form.value = { ...f, id: '', model: '', label: '' };
      saveError.value = null;
      reload();
    } catch (err) {
      saveError.value = errorText(err);
    }
  };
  return (
    <section>
      <h2>{t('admin.devices')}</h2>
      <ErrorLine error={error.value} />
      {data.value && (
        <table class="table" data-testid="devices">
          <thead>
            <tr>
              <th>{t('devices.id')}</th>
              <th>{t('devices.kind')}</th>
              <th>{t('devices.model')}</th>
              <th>{t('devices.label')}</th>
              <th>{t('admin.site')}</th>
              <th>{t('devices.retired')}</th>
            </tr>
          </thead>
          <tbody>
            {data.value.map((d) => (
              <tr key={d.id}>
                <td>
                  <Data>{d.id}</Data>
                </td>
                <td>{t(deviceKindKey(d.kind))}</td>
                <td>{d.model ? <Data>{d.model}</Data> : '--'}</td>
                <td>{d.label ? <Data>{d.label}</Data> : '--'}</td>
                <td>
                  <Data>{d.siteId}</Data>
                </td>
                <td>{d.retiredAt ? formatDateTime(d.retiredAt, language.value) : '--'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h3>{t('devices.add')}</h3>
      <form class="form-grid" onSubmit={add}>
        <SitePicker
          sites={me.siteIds}
          value={f.siteId}
          onChange={(v) => (form.value = { ...f, siteId: v })}
        />
        <Field label={t('devices.id')} hint={t('devices.idHint')}>
          <input required value={f.id} onInput={(e) => (form.value = { ...f, id: e.currentTarget.value })} />
        </Field>
        <Field label={t('devices.kind')}>
          <select value={f.kind} onChange={(e) => (form.value = { ...f, kind: e.currentTarget.value })}>
            {Object.keys(DEVICE_KIND_KEY).map((k) => (
              <option key={k} value={k}>
                {t(deviceKindKey(k))}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('devices.model')}>
          <input value={f.model} onInput={(e) => (form.value = { ...f, model: e.currentTarget.value })} />
        </Field>
        <Field label={t('devices.label')}>
          <input value={f.label} onInput={(e) => (form.value = { ...f, label: e.currentTarget.value })} />
        </Field>
        <div>
          <button type="submit" class="btn btn-primary">
            {t('devices.addButton')}
          </button>
        </div>
        <ErrorLine error={saveError.value} />
      </form>
    </section>
  );
}

/** The MQTT credentials just issued (creation or rotation): shown this once, with a copy button. */
function SecretOnce({ issued, onDone }: { issued: GatewaySecretResponse; onDone(): void }) {
  const copied = useSignal(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(issued.secret);
      copied.value = true;
    } catch {
      // No clipboard (insecure origin): the secret stays on screen to copy by hand.
    }
  };
  return (
    <div class="once" role="alert" data-testid="gateway-secret" data-gateway={issued.gateway.id}>
      <h3>{t('gateways.onceTitle')}</h3>
      <p>{t('gateways.onceText')}</p>
      <dl class="kv">
        <dt>{t('gateways.username')}</dt>
        <dd>
          <code translate={false}>{issued.mqttUsername}</code>
        </dd>
        <dt>{t('gateways.secret')}</dt>
        <dd>
          <code translate={false}>{issued.secret}</code>{' '}
          <button type="button" class="btn btn-small" onClick={() => void copy()}>
            {t('common.copy')}
          </button>{' '}
          {copied.value && (
            <span class="ok" role="status">
              {t('gateways.copied')}
            </span>
          )}
        </dd>
      </dl>
      <button type="button" class="btn" onClick={onDone}>
        {t('gateways.onceDone')}
      </button>
    </div>
  );
}

type GatewayAction = { kind: 'rotate' | 'revoke'; id: string };

/**
 * Gateways: the MQTT secret is shown once, right after creation or rotation, and never again; rotating
 * and revoking ask first (both cut the gateway off at once).
 */
export function Gateways({ me }: { me: Me }) {
  const { data, error, reload } = useLoad('gateways', endpoints.gateways);
  const form = useSignal({ id: '', name: '', siteId: me.siteIds[0] ?? '' });
  const created = useSignal<GatewaySecretResponse | null>(null);
  const saveError = useSignal<string | null>(null);
  const confirm = useSignal<GatewayAction | null>(null);
  const actionError = useSignal<string | null>(null);
  const busy = useSignal(false);
  const f = form.value;
  const add = async (e: Event) => {
    e.preventDefault();
    try {
      created.value = await endpoints.createGateway({
        id: f.id.trim(),
        siteId: f.siteId,
        ...(f.name.trim() ? { name: f.name.trim() } : {}),
      });
      form.value = { ...f, id: '', name: '' };
      saveError.value = null;
      reload();
    } catch (err) {
      saveError.value = errorText(err);
    }
  };
  const perform = async (a: GatewayAction) => {
    busy.value = true;
    try {
      if (a.kind === 'rotate') created.value = await endpoints.rotateGatewaySecret(a.id);
      else await endpoints.revokeGateway(a.id);
      actionError.value = null;
      confirm.value = null;
      reload();
    } catch (err) {
      actionError.value = errorText(err);
    } finally {
      busy.value = false;
    }
  };
  const c = confirm.value;
  return (
    <section>
      <h2>{t('admin.gateways')}</h2>
      <ErrorLine error={error.value} />
      {created.value && <SecretOnce issued={created.value} onDone={() => (created.value = null)} />}
      {data.value && (
        <table class="table" data-testid="gateways">
          <thead>
            <tr>
              <th>{t('gateways.id')}</th>
              <th>{t('gateways.name')}</th>
              <th>{t('admin.site')}</th>
              <th>{t('gateways.lastSeen')}</th>
              <th>{t('gateways.revoked')}</th>
              <th>
                <span class="sr-only">{t('common.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {data.value.map((g) => (
              <tr key={g.id} data-gateway={g.id}>
                <td>
                  <Data>{g.id}</Data>
                </td>
                <td>{g.name ? <Data>{g.name}</Data> : '--'}</td>
                <td>
                  <Data>{g.siteId}</Data>
                </td>
                <td>{g.lastSeen ? formatDateTime(g.lastSeen, language.value) : '--'}</td>
                <td>{g.revokedAt ? formatDateTime(g.revokedAt, language.value) : '--'}</td>
                <td class="actions">
                  {g.revokedAt === null && (
                    <>
                      <button
                        type="button"
                        class="btn btn-small"
                        data-action="rotate"
                        aria-label={t('gateways.rotateLabel', { id: g.id })}
                        onClick={() => {
                          actionError.value = null;
                          confirm.value = { kind: 'rotate', id: g.id };
                        }}
                      >
                        {t('gateways.rotate')}
                      </button>{' '}
                      <button
                        type="button"
                        class="btn btn-small"
                        data-action="revoke"
                        aria-label={t('gateways.revokeLabel', { id: g.id })}
                        onClick={() => {
                          actionError.value = null;
                          confirm.value = { kind: 'revoke', id: g.id };
                        }}
                      >
                        {t('gateways.revoke')}
                      </button>
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {c && (
        <Dialog
          title={c.kind === 'rotate' ? t('gateways.rotateTitle') : t('gateways.revokeTitle')}
          onClose={() => (confirm.value = null)}
        >
          <p data-testid="gateway-confirm">
            <Msg
              k={c.kind === 'rotate' ? 'gateways.rotateConfirm' : 'gateways.revokeConfirm'}
              slots={{ id: <Data>{c.id}</Data> }}
            />
          </p>
          <ErrorLine error={actionError.value} />
          <p class="actions">
            <button
              type="button"
              class="btn btn-danger"
              disabled={busy.value}
              onClick={() => void perform(c)}
            >
              {c.kind === 'rotate' ? t('gateways.rotateNow') : t('gateways.revokeNow')}
            </button>{' '}
            <button type="button" class="btn" onClick={() => (confirm.value = null)}>
              {t('common.cancel')}
            </button>
          </p>
        </Dialog>
      )}
      <h3>{t('gateways.add')}</h3>
      <form class="form-grid" onSubmit={add}>
        <SitePicker
          sites={me.siteIds}
          value={f.siteId}
          onChange={(v) => (form.value = { ...f, siteId: v })}
        />
        <Field label={t('gateways.id')} hint={t('gateways.idHint')}>
          <input
            required
            pattern="[a-z0-9\-]{1,64}"
            value={f.id}
            onInput={(e) => (form.value = { ...f, id: e.currentTarget.value })}
          />
        </Field>
        <Field label={t('gateways.name')}>
          <input value={f.name} onInput={(e) => (form.value = { ...f, name: e.currentTarget.value })} />
        </Field>
        <div>
          <button type="submit" class="btn btn-primary">
            {t('gateways.addButton')}
          </button>
        </div>
        <ErrorLine error={saveError.value} />
      </form>
    </section>
  );
}
