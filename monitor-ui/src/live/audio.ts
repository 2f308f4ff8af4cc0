import { signal } from '@preact/signals';
import type { Severity } from '@zonewatch/protocol';
import { SOUND_PATTERNS } from './sound.js';

/** `off`: not enabled yet; `on`: playing is possible; `blocked`: the browser refused (needs a click). */
export type SoundState = 'off' | 'on' | 'blocked';

const STORAGE_KEY = 'zw.sound';

export const soundState = signal<SoundState>('off');
/** Patterns played on this page, newest last (shown to tests through a data attribute; bounded). */
export const soundLog = signal<readonly Severity[]>([]);

let ctx: AudioContext | null = null;

function wanted(): boolean {
  try {
    return localStorage.getItem(STORAGE_KEY) === 'on';
  } catch {
    return false;
  }
}

/**
 * Turns sound on from a user gesture (the browser's autoplay rule: an AudioContext only runs after one).
 * Returns whether sound is now running.
 */
export async function enableSound(): Promise<boolean> {
  try {
    localStorage.setItem(STORAGE_KEY, 'on');
  } catch {
    // The choice lasts for this page only.
  }
  ctx ??= new AudioContext();
  if (ctx.state !== 'running') await ctx.resume().catch(() => undefined);
  soundState.value = ctx.state === 'running' ? 'on' : 'blocked';
  return soundState.value === 'on';
}

export function disableSound(): void {
  try {
    localStorage.setItem(STORAGE_KEY, 'off');
  } catch {
    // Nothing to keep.
  }
  void ctx?.suspend();
  soundState.value = 'off';
}

/**
 * After a reload the choice is remembered, but the browser may still need a gesture: try now, and if it
 * stays suspended, show "blocked" and resume on the first click or key press anywhere.
 */
export function restoreSound(): void {
  if (!wanted()) return;
  ctx ??= new AudioContext();
  const settle = () => {
    soundState.value = ctx?.state === 'running' ? 'on' : 'blocked';
  };
  void ctx.resume().then(settle, settle);
  settle();
  const onGesture = () => {
    if (soundState.value === 'blocked') void enableSound();
  };
  window.addEventListener('pointerdown', onGesture, { capture: true });
  window.addEventListener('keydown', onGesture, { capture: true });
}

/** Plays one alarm pattern now (square-ish tone with soft edges so pulses are distinct, not clicking). */
export function playPattern(severity: Severity): void {
  soundLog.value = [...soundLog.value.slice(-49), severity];
  if (ctx?.state !== 'running') return;
  const start = ctx.currentTime + 0.02;
  const out = ctx.createGain();
  out.gain.value = 0.25;
  out.connect(ctx.destination);
  for (const p of SOUND_PATTERNS[severity].pulses) {
    const osc = ctx.createOscillator();
    const env = ctx.createGain();
    osc.type = 'square';
    osc.frequency.value = p.hz;
    const t0 = start + p.atMs / 1000;
    const t1 = t0 + p.durMs / 1000;
    env.gain.setValueAtTime(0, t0);
    env.gain.linearRampToValueAtTime(1, t0 + 0.012);
    env.gain.setValueAtTime(1, t1 - 0.02);
    env.gain.linearRampToValueAtTime(0, t1);
    osc.connect(env).connect(out);
    osc.start(t0);
    osc.stop(t1 + 0.01);
  }
}
