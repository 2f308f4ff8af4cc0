import { en } from './en.js';
import { zhCN } from './zh-CN.js';

/** Every key of the UI dictionary; `en` is the reference, `zh-CN` must have exactly the same keys. */
export type MessageKey = keyof typeof en;
export type Dictionary = Readonly<Record<MessageKey, string>>;

export const LANGUAGES = ['zh-CN', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

export const DICTIONARIES: Readonly<Record<Language, Dictionary>> = { en, 'zh-CN': zhCN };

/** Values interpolated into `{name}` placeholders. */
export type MessageParams = Readonly<Record<string, string | number>>;

/**
 * Looks a key up and fills its `{placeholders}`. A missing key (only possible through a bad cast) shows
 * the key itself rather than an empty string, so it is noticed; a missing parameter keeps its placeholder.
 */
export function translate(dict: Dictionary, key: MessageKey, params?: MessageParams): string {
  const text = dict[key] ?? key;
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (m, name: string) => {
    const v = params[name];
    return v === undefined ? m : String(v);
  });
}

/** Placeholder names used by a message, sorted (both languages must use the same ones). */
export function placeholders(text: string): string[] {
  return [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string).sort();
}

/**
 * The language to start in: the stored choice if valid, else the first browser language that is Chinese
 * (any `zh*`) or English, else zh-CN (most of our users read Chinese first).
 */
export function pickLanguage(stored: string | null, browser: readonly string[]): Language {
  if (stored === 'zh-CN' || stored === 'en') return stored;
  for (const l of browser) {
    const lower = l.toLowerCase();
    if (lower.startsWith('zh')) return 'zh-CN';
    if (lower.startsWith('en')) return 'en';
  }
  return 'zh-CN';
}

/** A message cut at its placeholders, so a view can put an element (e.g. untranslated data) in a slot. */
export type MessagePart = { text: string } | { slot: string };

export function splitMessage(text: string): MessagePart[] {
  const parts: MessagePart[] = [];
  let last = 0;
  for (const m of text.matchAll(/\{(\w+)\}/g)) {
    const at = m.index ?? 0;
    if (at > last) parts.push({ text: text.slice(last, at) });
    parts.push({ slot: m[1] as string });
    last = at + m[0].length;
  }
  if (last < text.length) parts.push({ text: text.slice(last) });
  return parts;
}
