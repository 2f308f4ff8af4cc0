import { t } from '../i18n/store.js';
import { disableSound, enableSound, soundLog, soundState } from '../live/audio.js';
import { SpeakerIcon } from './icons.js';

/**
 * The browser only lets a page make sound after a click: until then this is a large, obvious button,
 * because an alarm nobody can hear is the failure this control exists to prevent.
 */
export function SoundControl() {
  const state = soundState.value;
  const log = soundLog.value;
  return (
    <span
      class="sound-control"
      data-sound={state}
      data-sound-count={log.length}
      data-sound-last={log[log.length - 1] ?? ''}
    >
      {state === 'on' ? (
        <button type="button" class="btn btn-sound-on" onClick={disableSound} aria-pressed="true">
          <SpeakerIcon on /> {t('sound.on')}
        </button>
      ) : (
        <button
          type="button"
          class="btn btn-sound-off"
          onClick={() => void enableSound()}
          aria-pressed="false"
        >
          <SpeakerIcon on={false} /> {state === 'blocked' ? t('sound.blocked') : t('sound.enable')}
        </button>
      )}
    </span>
  );
}
