import { computed, effect, signal } from '@preact/signals';
import {
  DICTIONARIES,
  type Language,
  type MessageKey,
  type MessageParams,
  pickLanguage,
  translate,
} from './i18n.js';

const STORAGE_KEY = 'zw.lang';

function stored(): string | null {
  try {
    return localStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

/** The UI language: the saved choice, else the browser's. */
export const language = signal<Language>(pickLanguage(stored(), navigator.languages ?? [navigator.language]));

const dictionary = computed(() => DICTIONARIES[language.value]);

/** Translates a key in the current language (reading it subscribes the component to language changes). */
export function t(key: MessageKey, params?: MessageParams): string {
  return translate(dictionary.value, key, params);
}

export function setLanguage(l: Language): void {
  language.value = l;
  try {
    localStorage.setItem(STORAGE_KEY, l);
  } catch {
    // Private mode: the choice lasts for this page only.
  }
}

effect(() => {
  document.documentElement.lang = language.value;
  document.title = translate(DICTIONARIES[language.value], 'app.title');
});
