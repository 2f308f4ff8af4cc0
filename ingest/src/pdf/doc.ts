import PDFDocument from 'pdfkit';
import { formatLocal, tzOffsetMs } from '../api/time.js';
import { pdfFont } from './font.js';
import { type PdfLang, type Translate, translator } from './text.js';

/** What every document says about where and when it was made. */
export interface PdfMeta {
  lang: PdfLang;
  /** The centre (site) name, on every page. */
  centreName: string;
  /** The centre's IANA time zone: every time in the document, the generated-at time included. */
  timezone: string;
  /** ms since epoch. */
  generatedAt: number;
  title: string;
}

export const PAGE = { width: 595.28, height: 841.89, margin: 48 } as const;
const FOOTER_Y = PAGE.height - 32;
export const COLORS = {
  text: '#1a1a1a',
  muted: '#555555',
  rule: '#bbbbbb',
  zone: '#d8f0dc',
  line: '#1f5fa8',
  bar: '#3f8f52',
  target: '#b3261e',
} as const;

/** `UTC+08:00` for the zone's offset at `ms`. */
export function offsetLabel(ms: number, tz: string): string {
  const off = Math.round(tzOffsetMs(ms, tz) / 60_000);
  const sign = off < 0 ? '-' : '+';
  const a = Math.abs(off);
  return `UTC${sign}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
}

/** `YYYY-MM-DD HH:mm` in `tz`. */
export function localMinute(ms: number, tz: string): string {
  return formatLocal(ms, tz).slice(0, 16);
}

/** `HH:mm` in `tz`. */
export function localClock(ms: number, tz: string): string {
  return formatLocal(ms, tz).slice(11, 16);
}

export interface Column {
  header: string;
  /** Share of the text width. */
  width: number;
  align?: 'left' | 'right';
}

/**
 * One PDF being written (pdfkit, A4): the centre's name and the title at the top of the first page, every
 * page numbered with the generated-at time in the centre's time zone. Text flows down the page; a block
 * that does not fit starts a new page.
 */
export class PdfWriter {
  readonly doc: PDFKit.PDFDocument;
  readonly t: Translate;
  readonly meta: PdfMeta;
  private readonly chunks: Buffer[] = [];
  private readonly done: Promise<Buffer>;

  constructor(meta: PdfMeta) {
    this.meta = meta;
    this.t = translator(meta.lang);
    const font = pdfFont();
    this.doc = new PDFDocument({
      size: 'A4',
      margins: { top: PAGE.margin, bottom: PAGE.margin + 16, left: PAGE.margin, right: PAGE.margin },
      bufferPages: true,
      info: { Title: meta.title, Author: meta.centreName, Creator: 'zonewatch' },
      lang: meta.lang,
      displayTitle: true,
    });
    this.doc.on('data', (c: Buffer) => this.chunks.push(c));
    this.done = new Promise((resolve, reject) => {
      this.doc.on('end', () => resolve(Buffer.concat(this.chunks)));
      this.doc.on('error', reject);
    });
    this.doc.registerFont('body', font.path, font.face);
    this.doc.font('body').fillColor(COLORS.text);
    this.doc.fontSize(10).fillColor(COLORS.muted).text(meta.centreName);
    this.doc.moveDown(0.2);
    this.doc.fontSize(20).fillColor(COLORS.text).text(meta.title);
    this.doc.moveDown(0.6);
  }

  get width(): number {
    return PAGE.width - 2 * PAGE.margin;
  }

  /** Starts a new page when less than `height` points are left. */
  ensure(height: number): void {
    if (this.doc.y + height > PAGE.height - PAGE.margin - 16) this.doc.addPage();
  }

  heading(text: string): void {
    this.ensure(60);
    this.doc.moveDown(0.6);
    this.doc.x = PAGE.margin;
    this.doc.fontSize(14).fillColor(COLORS.text).text(text);
    const y = this.doc.y + 2;
    this.doc
      .moveTo(PAGE.margin, y)
      .lineTo(PAGE.width - PAGE.margin, y)
      .lineWidth(0.5)
      .strokeColor(COLORS.rule)
      .stroke();
    this.doc.moveDown(0.4);
  }

  para(text: string, size = 11): void {
    this.ensure(size * 2);
    this.doc.x = PAGE.margin;
    this.doc.fontSize(size).fillColor(COLORS.text).text(text, { width: this.width });
    this.doc.moveDown(0.2);
  }

  muted(text: string): void {
    this.doc.x = PAGE.margin;
    this.doc.fontSize(9).fillColor(COLORS.muted).text(text, { width: this.width });
    this.doc.fillColor(COLORS.text);
  }

  /** Label–value pairs in two columns of pairs. */
  facts(rows: readonly (readonly [string, string])[]): void {
    const colW = this.width / 2;
    const labelW = colW * 0.5;
    for (let i = 0; i < rows.length; i += 2) {
      this.ensure(18);
      const y = this.doc.y;
      let bottom = y;
      for (let j = 0; j < 2; j++) {
        const row = rows[i + j];
        if (!row) continue;
        const x = PAGE.margin + j * colW;
        this.doc
          .fontSize(10)
          .fillColor(COLORS.muted)
          .text(row[0], x, y, { width: labelW - 6 });
        bottom = Math.max(bottom, this.doc.y);
        this.doc
          .fontSize(11)
          .fillColor(COLORS.text)
          .text(row[1], x + labelW, y, { width: colW - labelW - 8 });
        bottom = Math.max(bottom, this.doc.y);
      }
      this.doc.y = bottom + 3;
    }
    this.doc.x = PAGE.margin;
  }

  /** A table with a header row (repeated after a page break); cells wrap. */
  table(columns: readonly Column[], rows: readonly (readonly string[])[]): void {
    const total = columns.reduce((a, c) => a + c.width, 0);
    const widths = columns.map((c) => (c.width / total) * this.width);
    const drawRow = (cells: readonly string[], header: boolean) => {
      const size = header ? 9.5 : 10;
      this.doc.fontSize(size);
      const heights = cells.map((c, i) => this.doc.heightOfString(c, { width: widths[i]! - 8 }));
      const h = Math.max(...heights, size) + 8;
      if (this.doc.y + h > PAGE.height - PAGE.margin - 16) {
        this.doc.addPage();
        if (!header)
          drawRow(
            columns.map((c) => c.header),
            true,
          );
      }
      const y = this.doc.y;
      if (header) this.doc.rect(PAGE.margin, y, this.width, h).fill('#eeeeee');
      let x = PAGE.margin;
      cells.forEach((c, i) => {
        this.doc
          .fillColor(header ? COLORS.muted : COLORS.text)
          .fontSize(size)
          .text(c, x + 4, y + 4, { width: widths[i]! - 8, align: columns[i]?.align ?? 'left' });
        x += widths[i]!;
      });
      this.doc
        .moveTo(PAGE.margin, y + h)
        .lineTo(PAGE.width - PAGE.margin, y + h)
        .lineWidth(0.4)
        .strokeColor(COLORS.rule)
        .stroke();
      this.doc.y = y + h;
      this.doc.x = PAGE.margin;
    };
    drawRow(
      columns.map((c) => c.header),
      true,
    );
    for (const r of rows) drawRow(r, false);
    this.doc.fillColor(COLORS.text);
    this.doc.moveDown(0.3);
  }

  /** Footers (centre, generated-at in its time zone, page n of N) on every page; the finished file. */
  async finish(): Promise<Buffer> {
    const { doc, meta, t } = this;
    const range = doc.bufferedPageRange();
    const generated = t('footer.generated', {
      at: localMinute(meta.generatedAt, meta.timezone),
      tz: `${meta.timezone} ${offsetLabel(meta.generatedAt, meta.timezone)}`,
    });
    for (let i = 0; i < range.count; i++) {
      doc.switchToPage(range.start + i);
      const bottom = doc.page.margins.bottom;
      doc.page.margins.bottom = 0;
      doc.fontSize(8).fillColor(COLORS.muted);
      doc.text(`${meta.centreName} · ${generated}`, PAGE.margin, FOOTER_Y, {
        width: this.width * 0.75,
        lineBreak: false,
      });
      doc.text(t('footer.page', { n: i + 1, total: range.count }), PAGE.margin, FOOTER_Y, {
        width: this.width,
        align: 'right',
        lineBreak: false,
      });
      doc.page.margins.bottom = bottom;
    }
    doc.end();
    return this.done;
  }
}
