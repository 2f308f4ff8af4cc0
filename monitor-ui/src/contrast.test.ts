import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/** The theme's colours, read from the stylesheet the console ships. */
const css = readFileSync(path.join(import.meta.dirname, 'styles.css'), 'utf8');
const root = css.slice(css.indexOf(':root {'), css.indexOf('}', css.indexOf(':root {')));
const vars = new Map([...root.matchAll(/--([\w-]+):\s*(#[0-9a-f]{6})/gi)].map((m) => [m[1]!, m[2]!]));

function color(name: string): string {
  const c = vars.get(name);
  if (!c) throw new Error(`--${name} is not a hex colour in :root`);
  return c;
}

/** WCAG 2.x relative luminance and contrast ratio. */
function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = Number.parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

describe('WCAG AA contrast of the dark theme', () => {
  const AA = 4.5;
  const pairs: [fg: string, bg: string][] = [
    // Text on the page and on tiles.
    ['text', 'bg'],
    ['text', 'surface'],
    ['text', 'surface-2'],
    ['muted', 'surface'],
    ['muted', 'surface-2'],
    ['dim', 'surface'],
    // Dark text on zone pills, alarm banners and primary buttons.
    ...(
      [
        'zone-below',
        'zone-in',
        'zone-above',
        'zone-over',
        'alarm-critical',
        'alarm-warning',
        'alarm-advisory',
        'primary',
      ] as const
    ).map((bg): [string, string] => ['on-color', bg]),
    // Coloured text on surfaces (severity words, zone legend, live label).
    ...(
      [
        'zone-below',
        'zone-in',
        'zone-above',
        'zone-over',
        'alarm-critical',
        'alarm-warning',
        'alarm-advisory',
      ] as const
    ).map((fg): [string, string] => [fg, 'surface']),
  ];

  it.each(pairs)('%s on %s is at least 4.5:1', (fg, bg) => {
    expect(contrast(color(fg), color(bg))).toBeGreaterThanOrEqual(AA);
  });

  it('red is only an alarm colour: no zone colour is red-ish', () => {
    for (const z of ['zone-below', 'zone-in', 'zone-above', 'zone-over']) {
      const hex = color(z);
      const [r, g, b] = [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16)) as [
        number,
        number,
        number,
      ];
      // Hue away from red (0° ± 20°).
      const max = Math.max(r, g, b);
      const min = Math.min(r, g, b);
      let hue = 0;
      if (max !== min) {
        if (max === r) hue = (60 * ((g - b) / (max - min)) + 360) % 360;
        else if (max === g) hue = 60 * ((b - r) / (max - min)) + 120;
        else hue = 60 * ((r - g) / (max - min)) + 240;
      }
      expect({ z, redHue: hue < 20 || hue > 340 }).toEqual({ z, redHue: false });
    }
  });
});
