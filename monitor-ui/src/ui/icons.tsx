import type { Severity, ZoneState } from '@zonewatch/protocol';

/**
 * Alarm priority symbols after IEC 60601-1-8: a triangle with "!!!", "!!" or "!" — the count tells the
 * priority without colour.
 */
export function AlarmIcon({ severity, size = '1em' }: { severity: Severity; size?: string }) {
  const marks = severity === 'critical' ? [-5, 0, 5] : severity === 'warning' ? [-2.5, 2.5] : [0];
  return (
    <svg
      class={`alarm-icon sev-${severity}`}
      viewBox="0 0 24 22"
      width={size}
      height={size}
      aria-hidden="true"
    >
      <path d="M12 1 L23 21 H1 Z" fill="currentColor" />
      {marks.map((dx) => (
        <g key={dx} fill="#000">
          <rect x={11 + dx} y={8} width={2} height={7.5} rx={0.6} />
          <rect x={11 + dx} y={17} width={2} height={2} rx={0.6} />
        </g>
      ))}
    </svg>
  );
}

/** Zone shapes so the state never rests on colour: ▼ below, ● in zone, ▲ above, ▲▲ over ceiling. */
export function ZoneShape({ zone, size = '1em' }: { zone: ZoneState | null; size?: string }) {
  let body = <rect x={5} y={10} width={14} height={4} rx={2} />;
  if (zone === 'below') body = <path d="M3 6 H21 L12 20 Z" />;
  if (zone === 'in') body = <circle cx={12} cy={12} r={8} />;
  if (zone === 'above') body = <path d="M3 19 H21 L12 5 Z" />;
  if (zone === 'overCeiling')
    body = (
      <g>
        <path d="M3 13 H21 L12 2 Z" />
        <path d="M3 23 H21 L12 12 Z" />
      </g>
    );
  return (
    <svg
      class="zone-shape"
      viewBox="0 0 24 24"
      width={size}
      height={size}
      fill="currentColor"
      aria-hidden="true"
    >
      {body}
    </svg>
  );
}

export function BatteryIcon() {
  return (
    <svg
      viewBox="0 0 24 24"
      width="1em"
      height="1em"
      aria-hidden="true"
      fill="none"
      stroke="currentColor"
      stroke-width="2"
    >
      <rect x={2} y={7} width={18} height={10} rx={2} />
      <rect x={4} y={9} width={4} height={6} fill="currentColor" stroke="none" />
      <path d="M22 10 V14" />
    </svg>
  );
}

export function ContactIcon() {
  return (
    <svg
      viewBox="0 0 24 24"
      width="1em"
      height="1em"
      aria-hidden="true"
      fill="none"
      stroke="currentColor"
      stroke-width="2"
    >
      <path d="M4 12 H8 L10 7 L14 17 L16 12 H20" />
      <path d="M3 3 L21 21" />
    </svg>
  );
}

export function SpeakerIcon({ on }: { on: boolean }) {
  return (
    <svg
      viewBox="0 0 24 24"
      width="1em"
      height="1em"
      aria-hidden="true"
      fill="none"
      stroke="currentColor"
      stroke-width="2"
    >
      <path d="M4 9 H8 L13 5 V19 L8 15 H4 Z" fill="currentColor" />
      {on ? (
        <path d="M16 8 C18 10 18 14 16 16 M18.5 5.5 C22 9 22 15 18.5 18.5" />
      ) : (
        <path d="M16 9 L22 15 M22 9 L16 15" />
      )}
    </svg>
  );
}

/** "Acknowledge" hint on a tile's alarm banner. */
export function CheckIcon() {
  return (
    <svg class="check-icon" viewBox="0 0 24 24" width="1.1em" height="1.1em" aria-hidden="true">
      <circle cx={12} cy={12} r={11} fill="currentColor" />
      <path d="M6.5 12.5 L10.5 16.5 L17.5 8.5" fill="none" stroke="var(--alarm)" stroke-width={3} />
    </svg>
  );
}
