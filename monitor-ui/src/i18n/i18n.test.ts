import { describe, expect, it } from 'vitest';
import { en } from './en.js';
import { DICTIONARIES, pickLanguage, placeholders, splitMessage, translate } from './i18n.js';
import { zhCN } from './zh-CN.js';

describe('dictionaries', () => {
  it('zh-CN and en have exactly the same keys', () => {
    expect(Object.keys(zhCN).sort()).toEqual(Object.keys(en).sort());
  });

  it('every message uses the same placeholders in both languages', () => {
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      expect({ key, p: placeholders(zhCN[key]) }).toEqual({ key, p: placeholders(en[key]) });
    }
  });

  it('no message is empty, and zh-CN is really translated (no English word left outside names)', () => {
    // Brand and format names that Chinese UIs keep in Latin letters, and the example of an IANA time-zone
    // identifier (typed as is, whatever the language).
    const KEEP = new Set([
      ...['zonewatch', 'CSV', 'MQTT', 'https', 'Chrome', 'Edge', 'Safari', 'Firefox', 'PDF'],
      ...['Asia', 'Shanghai'],
    ]);
    for (const [key, text] of Object.entries(zhCN)) {
      expect(text.trim(), key).not.toBe('');
      const words = (text.replace(/\{\w+\}/g, '').match(/[A-Za-z]{2,}/g) ?? []).filter((w) => !KEEP.has(w));
      expect({ key, words }).toEqual({ key, words: [] });
    }
  });
});

describe('translate', () => {
  it('fills placeholders and keeps unknown ones visible', () => {
    expect(translate(DICTIONARIES.en, 'fresh.stale', { s: 7 })).toBe('Delayed 7 s');
    expect(translate(DICTIONARIES['zh-CN'], 'fresh.stale', { s: 7 })).toBe('延迟 7 秒');
    expect(translate(DICTIONARIES.en, 'fresh.stale')).toBe('Delayed {s} s');
  });

  it('cuts a message at its slots in the language’s own word order', () => {
    expect(splitMessage(zhCN['alert.acknowledgedBy'])).toEqual([
      { slot: 'who' },
      { text: ' 于 ' },
      { slot: 'time' },
      { text: ' 已确认' },
    ]);
    expect(splitMessage('plain')).toEqual([{ text: 'plain' }]);
  });
});

describe('pickLanguage', () => {
  it('prefers the stored choice, then the browser, then zh-CN', () => {
    expect(pickLanguage('en', ['zh-CN'])).toBe('en');
    expect(pickLanguage(null, ['zh-TW', 'en'])).toBe('zh-CN');
    expect(pickLanguage(null, ['de-DE', 'en-GB'])).toBe('en');
    expect(pickLanguage('fr', ['fr-FR'])).toBe('zh-CN');
  });
});
