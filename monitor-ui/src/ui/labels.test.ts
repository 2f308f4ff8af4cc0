import { describe, expect, it } from 'vitest';
import { DICTIONARIES, translate } from '../i18n/i18n.js';
import { alertQualifierKey, sessionDisplayName } from './labels.js';

describe('alert qualifier', () => {
  it('a warning upgraded on doubtful data reads "possible critical — check the sensor" in both languages', () => {
    const key = alertQualifierKey({ severity: 'warning', unconfirmed: true });
    expect(key).not.toBeNull();
    expect(translate(DICTIONARIES.en, key!)).toBe('possible critical — check the sensor');
    expect(translate(DICTIONARIES['zh-CN'], key!)).toBe('可能危急——请检查传感器');
  });

  it('a confirmed alert carries no qualifier', () => {
    expect(alertQualifierKey({ severity: 'warning' })).toBeNull();
    expect(alertQualifierKey({ severity: 'critical', unconfirmed: false })).toBeNull();
  });
});

describe('session names the server made up', () => {
  const zh = (key: Parameters<typeof translate>[1], p?: Parameters<typeof translate>[2]) =>
    translate(DICTIONARIES['zh-CN'], key, p);
  it('are recognised by their code and worded in the language shown; a typed name is kept as typed', () => {
    expect(
      sessionDisplayName(
        { name: 'Home session — Walker 142', nameCode: 'homeOf', nameAlias: 'Walker 142' },
        's-1',
        zh,
      ),
    ).toBe('居家训练 — Walker 142');
    expect(sessionDisplayName({ name: 'Home session', nameCode: 'home' }, 's-1', zh)).toBe('居家训练');
    expect(sessionDisplayName({ name: 'Class session', nameCode: 'class' }, 's-1', zh)).toBe(
      zh('lobby.kindClass'),
    );
    // Someone typed the very words the server uses: a typed name, shown as typed.
    expect(sessionDisplayName({ name: 'Home session', nameCode: null }, 's-1', zh)).toBe('Home session');
    expect(sessionDisplayName({ name: 'Cardiac rehab Tuesday' }, 's-1', zh)).toBe('Cardiac rehab Tuesday');
    expect(sessionDisplayName(null, 's-1', zh)).toBe('s-1');
    expect(sessionDisplayName({ name: '' }, 's-1', zh)).toBe('s-1');
  });
});
