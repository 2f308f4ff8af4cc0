/**
 * The PDFs (issue 16) through the REST API of a real platform: their text as `pdftotext` extracts it holds
 * the participant's alias, the Chinese headings and the figures of the report they were made from; the CJK
 * font is embedded; roles are enforced; every export is audited. Page 1 of the zh-CN session report is
 * rendered with `pdftoppm` into docs/screenshots/.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginAs } from '../integration/stack.js';
import { type DemoPlatform, startDemoPlatform } from '../security/web-stack.js';
import { ACK_NOTE, CENTRE, FIGURES, seedReports } from './fixtures.js';

const run = promisify(execFile);
const SCREENSHOTS = path.resolve(import.meta.dirname, '../../../docs/screenshots');

let demo: DemoPlatform;
let ids: Awaited<ReturnType<typeof seedReports>>;
let tmp: string;
const tokens: Record<string, string> = {};

async function get(role: string, url: string): Promise<Response> {
  tokens[role] ??= await loginAs(demo.platform, role);
  return fetch(new URL(url, demo.platform.url), { headers: { authorization: `Bearer ${tokens[role]}` } });
}

/** Saves the PDF and returns its text (pdftotext, layout kept). */
async function pdfText(res: Response, name: string): Promise<string> {
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('application/pdf');
  const file = path.join(tmp, name);
  await writeFile(file, Buffer.from(await res.arrayBuffer()));
  const { stdout } = await run('pdftotext', ['-layout', file, '-']);
  return stdout;
}

beforeAll(async () => {
  demo = await startDemoPlatform('pdf');
  ids = await seedReports(demo.platform);
  tmp = await mkdtemp(path.join(tmpdir(), 'zw-pdf-'));
}, 180_000);

afterAll(async () => {
  await demo?.close();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe('session report PDF', () => {
  it('zh-CN: alias, Chinese headings, the report figures, centre, local time, page numbers, embedded font', async () => {
    const res = await get(
      'clinician',
      `/api/sessions/${ids.sessionId}/participants/${ids.p0}/report.pdf?lang=zh-CN`,
    );
    const text = await pdfText(res, 'session-zh.pdf');
    expect(text).toContain(ids.alias0);
    expect(text).not.toContain(ids.alias1);
    for (const h of ['运动课程报告', '简要说明', '主要数据', '运动中的心率', '警报及处理'])
      expect(text).toContain(h);
    expect(text).toContain(
      `您在目标心率区间内运动了 ${FIGURES.minutesIn} 分钟（目标 ${FIGURES.target} 分钟）`,
    );
    expect(text).toContain(`心率下降了 ${FIGURES.drop} 次/分`);
    expect(text).toMatch(new RegExp(`最高心率\\s+${FIGURES.hrPeak} 次/分`));
    expect(text).toMatch(/平均心率\s+112 次\/分/);
    expect(text).toMatch(new RegExp(`最低血氧\\s+${FIGURES.spo2Min} %`));
    expect(text).toContain('100–120 次/分');
    expect(text).toContain('心率超过安全上限 (危急)');
    // Staff copy: who acknowledged, after how long, and the note.
    expect(text).toContain(`${ids.instructorName} 在 25 秒后确认`);
    expect(text).toContain(ACK_NOTE);
    expect(text).toContain(CENTRE);
    expect(text).toMatch(/生成时间 \d{4}-\d\d-\d\d \d\d:\d\d（Asia\/Shanghai UTC\+08:00）/);
    expect(text).toMatch(/第 1 页，共 \d 页/);
    const file = path.join(tmp, 'session-zh.pdf');
    const { stdout: fonts } = await run('pdffonts', [file]);
    expect(fonts).toMatch(/CID TrueType\s+Identity-H\s+yes yes yes/);
    expect(fonts).not.toMatch(/\bno\s+(yes|no)\s+(yes|no)\s+\d/);
    await run('pdftoppm', [
      '-png',
      '-r',
      '80',
      '-f',
      '1',
      '-l',
      '1',
      '-singlefile',
      file,
      path.join(SCREENSHOTS, 'pdf-session-report-zh-CN'),
    ]);
  });

  it('en: English headings and the same figures', async () => {
    const res = await get(
      'instructor',
      `/api/sessions/${ids.sessionId}/participants/${ids.p0}/report.pdf?lang=en`,
    );
    const text = await pdfText(res, 'session-en.pdf');
    expect(text).toContain('Session report');
    expect(text).toContain(`You spent ${FIGURES.minutesIn} of ${FIGURES.target} minutes in your zone.`);
    expect(text).toContain(
      `Your heart rate came down ${FIGURES.drop} beats in the first minute after exercise.`,
    );
    expect(text).toMatch(/Page 1 of \d/);
    expect(text).toMatch(/Generated \d{4}-\d\d-\d\d \d\d:\d\d \(Asia\/Shanghai UTC\+08:00\)/);
  });

  it('refuses a role that does not read reports, and a report that does not exist', async () => {
    expect(
      (await get('ops', `/api/sessions/${ids.sessionId}/participants/${ids.p0}/report.pdf`)).status,
    ).toBe(403);
    expect((await get('coach', `/api/sessions/${ids.sessionId}/summary.pdf`)).status).toBe(403);
    const missing = await get('clinician', `/api/sessions/${ids.sessionId}/participants/nobody/report.pdf`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: string }).error).toBe('ZW_ERR_NOT_FOUND');
  });
});

describe('class summary PDF', () => {
  it('one table: every participant, minutes in zone against target, peak HR, alerts and their handling', async () => {
    const text = await pdfText(
      await get('instructor', `/api/sessions/${ids.sessionId}/summary.pdf`),
      'class.pdf',
    );
    for (const h of ['课程汇总', '参与者', '区间内分钟 / 目标', '最高心率', '警报及处理'])
      expect(text).toContain(h);
    const row0 = text.split('\n').find((l) => l.includes(ids.alias0))!;
    expect(row0).toMatch(new RegExp(`${FIGURES.minutesIn} / ${FIGURES.target}\\s+${FIGURES.hrPeak} 次/分`));
    // Calm sorts before Over: everything after Over's row start is Over's (the alert cell wraps).
    const fromRow0 = text.slice(text.indexOf(row0)).replace(/\s+/g, '');
    expect(fromRow0).toContain(
      `心率超过安全上限(危急):${ids.instructorName.replace(/\s+/g, '')}在25秒后确认`,
    );
    expect(fromRow0).toContain(ACK_NOTE.replace(/\s+/g, ''));
    const row1 = text.split('\n').find((l) => l.includes(ids.alias1))!;
    expect(row1).toMatch(/27 \/ 30\s+117 次\/分/);
  });
});

describe('record summary PDF', () => {
  it("the participant's prescription, weekly minutes and sessions; clinicians only; audited", async () => {
    const text = await pdfText(
      await get('clinician', `/api/participants/${ids.p0}/record.pdf?lang=zh-CN`),
      'record.pdf',
    );
    for (const h of ['运动健康档案摘要', '运动处方', '每周区间内分钟数', '训练记录'])
      expect(text).toContain(h);
    expect(text).toContain(ids.alias0);
    expect(text).toMatch(
      new RegExp(`${FIGURES.minutesIn} / ${FIGURES.target}\\s+${FIGURES.hrPeak}\\s+${FIGURES.drop}\\s+\\d`),
    );
    expect((await get('instructor', `/api/participants/${ids.p0}/record.pdf`)).status).toBe(403);
    const audit = await demo.platform.registry.audit.list({ entityId: ids.p0 });
    expect(audit.map((a) => a.action)).toEqual(
      expect.arrayContaining(['participant.export-record-pdf', 'session.export-report-pdf']),
    );
  });
});
