import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { t } from '../i18n/store.js';

/**
 * Loads a view's module on first use, so the class wall does not download the charts (uPlot) and the
 * admin forms it never shows.
 */
export function Lazy<M>({ load, render }: { load: () => Promise<M>; render: (m: M) => ComponentChildren }) {
  const [mod, setMod] = useState<M | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let live = true;
    load().then(
      (m) => live && setMod(() => m),
      () => live && setFailed(true),
    );
    return () => {
      live = false;
    };
  }, [load]);
  if (failed)
    return (
      <p class="page error" role="alert">
        {t('app.loadFailed')}
      </p>
    );
  return mod ? render(mod) : <p class="page">{t('common.loading')}</p>;
}
