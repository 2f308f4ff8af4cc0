import { describe, expect, it } from 'vitest';
import {
  alertsByParticipant,
  escalationReach,
  groupAlerts,
  moveTile,
  nextGroupToAcknowledge,
  nextToAcknowledge,
  sortAlerts,
  tileOrder,
} from './alerts.js';
import { alert } from './fixtures.js';
import type { AlertEntry } from './state.js';

const entry = (a: ReturnType<typeof alert>): AlertEntry => ({
  alert: a,
  updatedAt: 0,
  resoundedAt: null,
  soundSeq: 1,
});

describe('alert order', () => {
  const adv = entry(alert('adv', { severity: 'advisory', raisedAt: 1, participantId: 'p3' }));
  const warnOld = entry(alert('w-old', { severity: 'warning', raisedAt: 2, participantId: 'p2' }));
  const warnNew = entry(alert('w-new', { severity: 'warning', raisedAt: 9, participantId: 'p2' }));
  const critAcked = entry(
    alert('c-ack', { severity: 'critical', state: 'acknowledged', participantId: 'p4' }),
  );
  const crit = entry(alert('crit', { severity: 'critical', raisedAt: 50, participantId: 'p1' }));
  const warnEscalated = entry(alert('w-esc', { severity: 'warning', raisedAt: 20, escalationLevel: 1 }));

  it('waiting before acknowledged, then severity, escalation, oldest first', () => {
    expect(
      sortAlerts([adv, critAcked, warnNew, crit, warnOld, warnEscalated]).map((e) => e.alert.id),
    ).toEqual(['crit', 'w-esc', 'w-old', 'w-new', 'adv', 'c-ack']);
  });

  it('the key acknowledges the most urgent waiting alert, never an acknowledged one', () => {
    expect(nextToAcknowledge([adv, crit, warnOld])?.alert.id).toBe('crit');
    expect(nextToAcknowledge([critAcked])).toBeUndefined();
  });

  it('groups per participant, most urgent first', () => {
    expect(
      alertsByParticipant([warnNew, warnOld])
        .get('p2')
        ?.map((e) => e.alert.id),
    ).toEqual(['w-old', 'w-new']);
  });

  it('tiles with alerts go to the top in alert order; the rest keep the arrangement', () => {
    const roster = ['p1', 'p2', 'p3', 'p4', 'p5', 'p6'];
    expect(tileOrder(roster, ['p6', 'p5'], [adv, warnOld])).toEqual(['p2', 'p3', 'p6', 'p5', 'p1', 'p4']);
    expect(tileOrder(roster, ['gone', 'p6'], [])).toEqual(['p6', 'p1', 'p2', 'p3', 'p4', 'p5']);
  });

  it('moves a tile, clamping at both ends', () => {
    expect(moveTile(['a', 'b', 'c'], 'c', 0)).toEqual(['c', 'a', 'b']);
    expect(moveTile(['a', 'b', 'c'], 'a', 9)).toEqual(['b', 'c', 'a']);
    expect(moveTile(['a', 'b', 'c'], 'b', -1)).toEqual(['b', 'a', 'c']);
    expect(moveTile(['a'], 'x', 0)).toEqual(['a']);
  });

  it('names whom an escalation reached (CLINICAL-RULES section 4 defaults)', () => {
    expect(escalationReach('critical', 0)).toBe('none');
    expect(escalationReach('critical', 1)).toBe('siteConsoles');
    expect(escalationReach('critical', 2)).toBe('siteStaff');
    expect(escalationReach('warning', 1)).toBe('repeated');
    expect(escalationReach('warning', 2)).toBe('supervisor');
    expect(escalationReach('advisory', 1)).toBe('further');
  });
});

describe('one alert card per person (issue 14)', () => {
  const above = entry(
    alert('above', { rule: 'HR_ABOVE_ZONE', severity: 'advisory', raisedAt: 1, participantId: 'ada' }),
  );
  const ceiling = entry(
    alert('ceiling', { rule: 'HR_OVER_CEILING', severity: 'critical', raisedAt: 5, participantId: 'ada' }),
  );
  const contact = entry(
    alert('contact', { rule: 'NO_CONTACT', severity: 'advisory', raisedAt: 2, participantId: 'bo' }),
  );
  const lostAcked = entry(
    alert('lost', {
      rule: 'SIGNAL_LOST',
      severity: 'warning',
      state: 'acknowledged',
      raisedAt: 3,
      participantId: 'bo',
    }),
  );

  it("groups a participant's alerts into one card, highest severity first, cards in urgency order", () => {
    const groups = groupAlerts([contact, above, lostAcked, ceiling]);
    expect(groups.map((g) => [g.participantId, g.entries.map((e) => e.alert.id)])).toEqual([
      ['ada', ['ceiling', 'above']],
      // Bo's acknowledged warning still shows first (highest severity); his waiting advisory orders the card.
      ['bo', ['lost', 'contact']],
    ]);
  });

  it('one acknowledgement covers the alerts of the card still waiting at that moment', () => {
    const g = groupAlerts([contact, lostAcked]);
    expect(g[0]?.waiting.map((e) => e.alert.id)).toEqual(['contact']);
    expect(nextGroupToAcknowledge([contact, above, ceiling])?.waiting.map((e) => e.alert.id)).toEqual([
      'ceiling',
      'above',
    ]);
    expect(nextGroupToAcknowledge([lostAcked])).toBeUndefined();
  });
});
