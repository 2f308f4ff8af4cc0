import { existsSync } from 'node:fs';
import createError from '@fastify/error';

/**
 * The font every PDF is set in: one CJK font that also covers Latin, digits and units, embedded (as a
 * subset of the glyphs used) in each file, so Chinese renders on any reader. Debian's `fonts-wqy-microhei`
 * (installed by `scripts/ensure-system-deps.sh` and `.ci/run`) or `fonts-noto-cjk`; `ZW_PDF_FONT` names
 * another TTF/TTC (with `ZW_PDF_FONT_NAME`, the PostScript name of the face inside a collection).
 */
export interface PdfFont {
  path: string;
  /** The face inside a collection (.ttc); undefined for a single-face file. */
  face: string | undefined;
}

export const pdfCodes = {
  /** No CJK font on this machine: the PDF would lose its Chinese text. */
  ZW_ERR_PDF_FONT: createError<'ZW_ERR_PDF_FONT', 500, [detail: string]>('ZW_ERR_PDF_FONT', '%s', 500),
} as const;

const CANDIDATES: readonly PdfFont[] = [
  { path: '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc', face: 'WenQuanYiMicroHei' },
  { path: '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc', face: 'NotoSansCJKsc-Regular' },
  { path: '/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc', face: 'WenQuanYiZenHei' },
];

let cached: PdfFont | undefined;

/**
 * The CJK font to embed.
 * @throws ZW_ERR_PDF_FONT naming the Debian package to install when none is found.
 */
export function pdfFont(env: NodeJS.ProcessEnv = process.env): PdfFont {
  const given = env['ZW_PDF_FONT'];
  if (given) {
    if (!existsSync(given)) throw new pdfCodes.ZW_ERR_PDF_FONT(`ZW_PDF_FONT=${given}: no such file`);
    return { path: given, face: env['ZW_PDF_FONT_NAME'] || undefined };
  }
  if (cached) return cached;
  const found = CANDIDATES.find((c) => existsSync(c.path));
  if (!found) {
    throw new pdfCodes.ZW_ERR_PDF_FONT(
      'no CJK font for PDFs: install the Debian package fonts-wqy-microhei (bash scripts/ensure-system-deps.sh) or set ZW_PDF_FONT to a TTF/TTC file',
    );
  }
  cached = found;
  return found;
}
