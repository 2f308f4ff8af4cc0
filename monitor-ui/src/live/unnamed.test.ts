import { describe, expect, it } from 'vitest';
import { DICTIONARIES, type MessageKey, type MessageParams, translate } from '../i18n/i18n.js';
import { alert, participant, snapshot } from './fixtures.js';
import { applyFrame, applySnapshot, initialLiveState } from './state.js';
import { alertsNamedAsFrame, labelUnnamed as label } from './unnamed.js';

const en = (k: MessageKey, p?: MessageParams) => translate(DICTIONARIES.en, k, p);
const zh = (k: MessageKey, p?: MessageParams) => translate(DICTIONARIES['zh-CN'], k, p);
const labelUnnamed = <T extends Parameters<typeof label>[0]>(x: T) => label(x, en);

describe('participants a wall shows without a name (issue 16)', () => {
  it('are labelled by seat and device, never by the neutral alias the server sent', () => {
    const p = participant('p1', { alias: '#3', unnamed: { kind: 'unnamed', seat: 3, deviceId: 'HR-7' } });
    expect(labelUnnamed(p).alias).toBe('Participant 3 · HR-7');
    expect(label(p, zh).alias).toBe('3 号学员 · HR-7');
    const q = participant('p2', { alias: '#4', unnamed: { kind: 'unnamed', seat: 4, deviceId: null } });
    expect(labelUnnamed(q).alias).toBe('Participant 4');
    expect(labelUnnamed(participant('p3', { alias: 'Walker' })).alias).toBe('Walker');
  });

  it('a consent withdrawn mid-session reaches the alert strip with the next frame', () => {
    const named = participant('p1', { alias: 'Walker' });
    let s = applySnapshot(
      initialLiveState('s1'),
      snapshot({ participants: [named], alerts: [alert('a1', { alias: 'Walker' })] }),
      1_000,
    );
    const hidden = labelUnnamed(
      participant('p1', { alias: '#1', unnamed: { kind: 'unnamed', seat: 1, deviceId: null } }),
    );
    s = alertsNamedAsFrame(applyFrame(s, { sessionId: 's1', at: 2_000, participants: [hidden] }, 2_000));
    expect(s.alerts['a1']!.alert.alias).toBe('Participant 1');
    expect(s.alerts['a1']!.alert.unnamed).toMatchObject({ seat: 1 });
    // Nothing to change: the very same state.
    expect(alertsNamedAsFrame(s)).toBe(s);
  });
});
