import type { Language } from '../i18n/i18n.js';
import { language } from '../i18n/store.js';

const KEY = 'zw.p.lang';

/** The participant view opens in Chinese unless the participant chose English on this phone. */
export function initParticipantLanguage(): void {
  let stored: string | null = null;
  try {
    stored = localStorage.getItem(KEY);
  } catch {
    // Private mode.
  }
  language.value = stored === 'en' ? 'en' : 'zh-CN';
}

export function setParticipantLanguage(l: Language): void {
  language.value = l;
  try {
    localStorage.setItem(KEY, l);
  } catch {
    // The choice lasts for this page only.
  }
}
