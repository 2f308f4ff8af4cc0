import type { Me } from '../../api/types.js';
import { t } from '../../i18n/store.js';
import { canUse, type Route } from '../../router.js';
import { AuditPage } from './AuditPage.js';
import { AdminNav } from './common.js';
import { Devices, Gateways } from './Devices.js';
import { ParticipantDetail } from './ParticipantDetail.js';
import { Participants } from './Participants.js';
import { Users } from './Users.js';

/** Administration: participants and prescriptions, devices, gateways, users — each tab for its roles. */
export function AdminArea({ user, r }: { user: Me; r: Extract<Route, { name: 'admin' }> }) {
  const sections = (
    [
      { id: 'participants', label: t('admin.participants') },
      { id: 'devices', label: t('admin.devices') },
      { id: 'gateways', label: t('admin.gateways') },
      { id: 'users', label: t('admin.users') },
      { id: 'audit', label: t('admin.audit') },
    ] as const
  ).filter((s) => canUse(s.id, user.roles));
  return (
    <main class="page">
      <h1>{t('admin.title')}</h1>
      <AdminNav current={r.section} sections={sections} />
      {r.section === 'participants' &&
        (r.id ? <ParticipantDetail participantId={r.id} /> : <Participants me={user} />)}
      {r.section === 'devices' && <Devices me={user} />}
      {r.section === 'gateways' && <Gateways me={user} />}
      {r.section === 'users' && <Users me={user} />}
      {r.section === 'audit' && <AuditPage />}
    </main>
  );
}
