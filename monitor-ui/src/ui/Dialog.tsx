import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { t } from '../i18n/store.js';

/** A modal on the native <dialog> (focus trap and Escape for free). */
export function Dialog({
  title,
  onClose,
  children,
  wide,
}: {
  title: string;
  onClose(): void;
  children: ComponentChildren;
  wide?: boolean;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
    return () => d?.close();
  }, []);
  return (
    <dialog ref={ref} class={`dialog${wide ? ' dialog-wide' : ''}`} onClose={onClose} aria-label={title}>
      <header class="dialog-head">
        <h2>{title}</h2>
        <button type="button" class="btn" onClick={onClose}>
          {t('common.close')}
        </button>
      </header>
      <div class="dialog-body">{children}</div>
    </dialog>
  );
}
