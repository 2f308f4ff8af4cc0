import { describe, expect, it } from 'vitest';
import { DICTIONARIES, translate } from '../i18n/i18n.js';
import { alertQualifierKey } from './labels.js';

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
