import type { ComponentChildren } from 'preact';
import { type MessageKey, splitMessage } from '../i18n/i18n.js';
import { t } from '../i18n/store.js';

/**
 * A translated message whose placeholders hold elements — typically data that must not be translated
 * (names, ids), wrapped in `translate={false}` — in the word order of the current language.
 */
export function Msg({ k, slots }: { k: MessageKey; slots: Readonly<Record<string, ComponentChildren>> }) {
  return (
    <>
      {splitMessage(t(k)).map((p, i) =>
        'text' in p ? p.text : <span key={i}>{slots[p.slot] ?? `{${p.slot}}`}</span>,
      )}
    </>
  );
}

/** Data shown as is in every language (aliases, user names, device ids). */
export function Data({ children }: { children: ComponentChildren }) {
  return (
    <span class="data" translate={false}>
      {children}
    </span>
  );
}
