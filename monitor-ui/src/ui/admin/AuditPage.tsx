import { useSignal } from '@preact/signals';
import { auditEntrySchema, listOf } from '@zonewatch/protocol';
import type { z } from 'zod';
import { api } from '../../api/client.js';
import { endpoints } from '../../api/endpoints.js';
import { parseReply } from '../../api/normalize.js';
import type { MessageKey } from '../../i18n/i18n.js';
import { t } from '../../i18n/store.js';
import { Data } from '../Msg.js';
import { ErrorLine, useLoad } from './common.js';

type AuditEntry = z.infer<typeof auditEntrySchema>;

/** Actions worded for the admin; any other is shown as its code. */
const ACTION_KEYS: Readonly<Record<string, MessageKey>> = {
  'participant.create': 'audit.action.participantCreate',
  'participant.update': 'audit.action.participantUpdate',
  'participant.view-clinical': 'audit.action.viewClinical',
  'participant.update-clinical': 'audit.action.updateClinical',
  'participant.view-adherence': 'audit.action.viewAdherence',
  'participant.view-reports': 'audit.action.viewReports',
  'prescription.create': 'audit.action.prescriptionCreate',
  'session.view-report': 'audit.action.viewSessionReport',
  'session.export-report': 'audit.action.exportCsv',
  'session.export-report-pdf': 'audit.action.exportPdf',
  'session.export-summary-pdf': 'audit.action.exportPdf',
  'participant.export-record-pdf': 'audit.action.exportPdf',
  'participant-link.create': 'audit.action.linkCreate',
  'participant-link.revoke': 'audit.action.linkRevoke',
  'participant-link.use': 'audit.action.linkUse',
  'participant-link.refused': 'audit.action.linkRefused',
  'alert.acknowledge': 'audit.action.alertAck',
};

export interface AuditFilter {
  participantId: string;
  userId: string;
  /** `YYYY-MM-DDTHH:mm` (the browser's time), or ''. */
  since: string;
  until: string;
}

/** The `GET /api/audit` query of a filter (person: entries about that participant; user: their actions). */
export function auditQuery(f: AuditFilter, limit = 500): string {
  const q = new URLSearchParams();
  if (f.participantId) {
    q.set('entity', 'participant');
    q.set('entityId', f.participantId);
  }
  if (f.userId) q.set('actor', `user:${f.userId}`);
  if (f.since) q.set('since', String(new Date(f.since).getTime()));
  if (f.until) q.set('until', String(new Date(f.until).getTime()));
  q.set('limit', String(limit));
  return q.toString();
}

const csvCell = (v: string) => (/[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

/** The shown entries as CSV (UTF-8 with BOM so spreadsheet programs read Chinese), headers in the UI's language. */
export function auditCsv(rows: readonly string[][], headers: readonly string[]): string {
  return `\uFEFF${[headers, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n')}\r\n`;
}

/** Admins: who read or changed whose record, filtered by person, user and time, exportable as CSV. */
export function AuditPage() {
  const users = useLoad('audit-users', endpoints.users);
  const people = useLoad('audit-people', () => endpoints.participants());
  const filter = useSignal<AuditFilter>({ participantId: '', userId: '', since: '', until: '' });
  const query = auditQuery(filter.value);
  const entries = useLoad(
    `audit?${query}`,
    async () => parseReply(listOf(auditEntrySchema), await api.get(`/audit?${query}`)).items,
  );
  const userName = new Map((users.data.value ?? []).map((u) => [`user:${u.id}`, u.displayName]));
  const alias = new Map((people.data.value ?? []).map((p) => [p.id, p.alias]));
  const set = (patch: Partial<AuditFilter>) => {
    filter.value = { ...filter.value, ...patch };
  };
  const who = (e: AuditEntry) => userName.get(e.actor) ?? e.actor;
  const what = (e: AuditEntry) => (ACTION_KEYS[e.action] ? t(ACTION_KEYS[e.action]!) : e.action);
  const whose = (e: AuditEntry) =>
    e.entity === 'participant' && e.entityId
      ? (alias.get(e.entityId) ?? e.entityId)
      : `${e.entity} ${e.entityId ?? ''}`;
  const when = (e: AuditEntry) => new Date(e.at).toLocaleString();
  const rows = (entries.data.value ?? []).map((e) => [when(e), who(e), what(e), whose(e), e.action]);
  const download = () => {
    const csv = auditCsv(rows, [
      t('audit.time'),
      t('audit.user'),
      t('audit.action'),
      t('audit.subject'),
      t('audit.code'),
    ]);
    const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = 'audit.csv';
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  };
  return (
    <section class="audit">
      <h2>{t('admin.audit')}</h2>
      <form class="audit-filter" onSubmit={(e) => e.preventDefault()}>
        <label class="field-inline">
          {t('audit.person')}{' '}
          <select
            name="participant"
            value={filter.value.participantId}
            onChange={(e) => set({ participantId: e.currentTarget.value })}
          >
            <option value="">{t('audit.anyone')}</option>
            {(people.data.value ?? []).map((p) => (
              <option key={p.id} value={p.id} translate={false}>
                {p.alias}
              </option>
            ))}
          </select>
        </label>
        <label class="field-inline">
          {t('audit.user')}{' '}
          <select
            name="user"
            value={filter.value.userId}
            onChange={(e) => set({ userId: e.currentTarget.value })}
          >
            <option value="">{t('audit.anyone')}</option>
            {(users.data.value ?? []).map((u) => (
              <option key={u.id} value={u.id} translate={false}>
                {u.displayName}
              </option>
            ))}
          </select>
        </label>
        <label class="field-inline">
          {t('audit.since')}{' '}
          <input
            type="datetime-local"
            name="since"
            value={filter.value.since}
            onChange={(e) => set({ since: e.currentTarget.value })}
          />
        </label>
        <label class="field-inline">
          {t('audit.until')}{' '}
          <input
            type="datetime-local"
            name="until"
            value={filter.value.until}
            onChange={(e) => set({ until: e.currentTarget.value })}
          />
        </label>
        <button type="button" class="btn" onClick={download} disabled={rows.length === 0}>
          {t('audit.export')}
        </button>
      </form>
      <ErrorLine error={entries.error.value ?? users.error.value} />
      <p class="muted">{t('audit.count', { n: rows.length })}</p>
      <table class="table audit-table">
        <thead>
          <tr>
            <th>{t('audit.time')}</th>
            <th>{t('audit.user')}</th>
            <th>{t('audit.action')}</th>
            <th>{t('audit.subject')}</th>
          </tr>
        </thead>
        <tbody>
          {(entries.data.value ?? []).map((e) => (
            <tr key={e.id} data-action={e.action}>
              <td>{when(e)}</td>
              <td>
                <Data>{who(e)}</Data>
              </td>
              <td>{ACTION_KEYS[e.action] ? what(e) : <Data>{e.action}</Data>}</td>
              <td>
                <Data>{whose(e)}</Data>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
