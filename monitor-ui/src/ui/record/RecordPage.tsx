import { useSignal } from '@preact/signals';
import type {
  AssessmentDerivation,
  ProgressionProposal,
  RecordResponse,
  RiskResult,
} from '@zonewatch/protocol';
import { formatDate, formatNumber } from '../../format.js';
import { language, t } from '../../i18n/store.js';
import { recordApi } from '../../record/api.js';
import { measureOf } from '../../record/assessmentForm.js';
import {
  CRITERION_KEY,
  FIELD_KEY,
  RISK_CLASS_KEY,
  SCREENING_KEY,
  UNIT_KEY,
  UNKNOWN_KEY,
} from '../../record/labels.js';
import { dateMs, sessionOfN, weekOfN } from '../../record/programme.js';
import { assessmentTrend, sessionTrend, weeklyMinutes } from '../../record/trends.js';
import { href } from '../../router.js';
import { errorText, useLoad } from '../admin/common.js';
import { Data } from '../Msg.js';
import { me } from '../session.js';
import { AssessmentForm, today } from './AssessmentForm.js';
import { EnrolForm, programmeName } from './Enrol.js';
import { DerivationView, ProgressionView } from './Proposals.js';
import { Timeline } from './Timeline.js';
import { TREND_COLORS, TrendChart } from './TrendChart.js';
import './record.css';

function unitOf(path: string): string {
  const u = measureOf(path)?.unit;
  const k = u ? UNIT_KEY[u] : undefined;
  return k ? t(k) : '';
}

function RiskBlock({ risk }: { risk: RiskResult }) {
  if (risk.scheme === 'aacvpr')
    return (
      <section class="record-risk" data-testid="risk" data-class={risk.riskClass}>
        <h3>
          {t('record.risk.aacvpr')}: <strong>{t(RISK_CLASS_KEY[risk.riskClass])}</strong>
        </h3>
        <ul class="plain">
          {risk.decidedBy.map((c) => (
            <li key={c.criterion}>
              {t(CRITERION_KEY[c.criterion])}
              {c.value !== undefined && <span class="muted"> ({formatNumber(c.value, 1)})</span>}
            </li>
          ))}
          {risk.unknown.length > 0 && (
            <li class="muted">
              {t('record.risk.unknown', {
                list: risk.unknown.map((u) => t(UNKNOWN_KEY[u])).join(t('common.listSep')),
              })}
            </li>
          )}
        </ul>
      </section>
    );
  return (
    <section class="record-risk" data-testid="risk" data-clearance={risk.medicalClearance}>
      <h3>
        {t('record.risk.acsm')}:{' '}
        <strong>
          {risk.medicalClearance === 'recommended'
            ? t('record.risk.clearanceRecommended')
            : t('record.risk.clearanceNotNeeded')}
        </strong>
      </h3>
      <ul class="plain">
        {risk.reasons.map((r) => (
          <li key={r.code}>{t(SCREENING_KEY[r.code])}</li>
        ))}
      </ul>
    </section>
  );
}

function Summary({ r }: { r: RecordResponse }) {
  const e = r.enrolment;
  if (!e)
    return (
      <p class="muted" data-testid="no-programme">
        {t('record.noProgramme')}
      </p>
    );
  const s = sessionOfN(e);
  const w = weekOfN(e);
  const next = e.nextReassessment;
  return (
    <div class="record-summary">
      <p>
        {programmeName(e.programme)}{' '}
        <span class="muted">
          {t('record.since', { date: formatDate(dateMs(e.startDate), language.value) })}
        </span>
      </p>
      <p class="record-big" data-testid="session-of-n">
        {t('record.sessionOfN', { n: s.n, total: s.total })}
      </p>
      <p data-testid="weeks-elapsed">{t('record.weekOfN', { week: w.week, total: w.total })}</p>
      {r.adherence.percent !== null && (
        <p data-testid="adherence">
          {t('record.adherence', {
            done: r.adherence.sessionsDone,
            planned: r.adherence.sessionsPlanned ?? '--',
            meeting: r.adherence.sessionsMeetingTarget,
            percent: formatNumber(r.adherence.percent, 0),
          })}
        </p>
      )}
      {next?.due ? (
        <p class="notice" role="status" data-testid="reassessment-due">
          {t('record.reassessmentDue')}{' '}
          <span class="muted">{formatDate(dateMs(next.dueDate), language.value)}</span>
        </p>
      ) : (
        next && (
          <p class="muted" data-testid="reassessment-next">
            {t('record.reassessmentAt', { date: formatDate(dateMs(next.dueDate), language.value) })}
          </p>
        )
      )}
    </div>
  );
}

function Comparison({ r }: { r: RecordResponse }) {
  const rows = r.comparison?.rows ?? [];
  if (rows.length === 0) return <p class="muted">{t('record.compare.none')}</p>;
  const n = (v: number) => formatNumber(v, Number.isInteger(v) ? 0 : 1);
  return (
    <table class="table record-compare" data-testid="comparison">
      <thead>
        <tr>
          <th>{t('record.compare.measure')}</th>
          <th>{t('record.compare.baseline')}</th>
          <th>{t('record.compare.latest')}</th>
          <th>{t('record.compare.change')}</th>
          <th>{t('record.compare.meaningful')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.measure} data-measure={row.measure} data-meaningful={String(row.meaningful)}>
            <td>
              {FIELD_KEY[row.measure] ? t(FIELD_KEY[row.measure] as never) : <Data>{row.measure}</Data>}{' '}
              <span class="muted">
                {UNIT_KEY[row.unit] ? t(UNIT_KEY[row.unit] as never) : unitOf(row.measure)}
              </span>
            </td>
            <td>{n(row.baseline)}</td>
            <td>{n(row.latest)}</td>
            <td class={row.improved === null ? '' : row.improved ? 'ok' : 'warn'}>
              {row.change > 0 ? '+' : ''}
              {n(row.change)}
            </td>
            <td>
              {row.meaningful === null
                ? '--'
                : row.meaningful
                  ? row.improved === false
                    ? t('record.compare.meaningfulWorse')
                    : t('record.compare.meaningfulBetter')
                  : t('record.compare.notMeaningful')}
              {row.threshold !== null && (
                <span class="muted"> {t('record.compare.threshold', { threshold: n(row.threshold) })}</span>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Charts({ r }: { r: RecordResponse }) {
  const tr = r.trends;
  const weekly = weeklyMinutes(tr);
  const hrZone = sessionTrend(tr, (s) => s.meanHrInZone);
  const hrr = sessionTrend(tr, (s) => s.hrRecovery60);
  const rest = assessmentTrend(tr, [(a) => a.restingHrBpm, (a) => a.systolicMmHg, (a) => a.diastolicMmHg]);
  const walk = assessmentTrend(tr, [(a) => a.sixMinuteWalkM]);
  const weight = assessmentTrend(tr, [(a) => a.weightKg]);
  return (
    <div class="record-charts">
      <TrendChart
        testid="trend-weekly"
        title={t('record.chart.weekly')}
        unit={t('record.unit.min')}
        at={weekly.at}
        series={[
          {
            label: t('record.chart.minutes'),
            values: weekly.columns[0] ?? [],
            color: TREND_COLORS.second,
            bars: true,
          },
          {
            label: t('record.chart.target'),
            values: weekly.columns[1] ?? [],
            color: TREND_COLORS.target,
            dashed: true,
          },
        ]}
      />
      <TrendChart
        testid="trend-hr-zone"
        title={t('record.chart.hrInZone')}
        unit={t('unit.bpm')}
        at={hrZone.at}
        series={[
          {
            label: t('record.chart.hrInZoneShort'),
            values: hrZone.columns[0] ?? [],
            color: TREND_COLORS.main,
          },
        ]}
      />
      <TrendChart
        testid="trend-hrr"
        title={t('record.chart.hrRecovery')}
        unit={t('unit.bpm')}
        at={hrr.at}
        series={[
          {
            label: t('record.chart.hrRecoveryShort'),
            values: hrr.columns[0] ?? [],
            color: TREND_COLORS.second,
          },
        ]}
      />
      <TrendChart
        testid="trend-resting"
        title={t('record.chart.resting')}
        unit={t('record.chart.restingUnits')}
        at={rest.at}
        series={[
          { label: t('record.f.restingHr'), values: rest.columns[0] ?? [], color: TREND_COLORS.main },
          { label: t('record.f.systolic'), values: rest.columns[1] ?? [], color: TREND_COLORS.third },
          { label: t('record.f.diastolic'), values: rest.columns[2] ?? [], color: TREND_COLORS.target },
        ]}
      />
      <TrendChart
        testid="trend-walk"
        title={t('record.chart.walk')}
        unit={t('record.unit.m')}
        at={walk.at}
        series={[
          { label: t('record.f.walkDistance'), values: walk.columns[0] ?? [], color: TREND_COLORS.second },
        ]}
      />
      <TrendChart
        testid="trend-weight"
        title={t('record.chart.weight')}
        unit={t('record.unit.kg')}
        at={weight.at}
        series={[{ label: t('record.f.weight'), values: weight.columns[0] ?? [], color: TREND_COLORS.main }]}
      />
    </div>
  );
}

type Panel =
  | { kind: 'none' }
  | { kind: 'assess' }
  | { kind: 'derive'; assessmentId: string; derivation: AssessmentDerivation | null; error: string | null }
  | { kind: 'enrol' };

/** One participant's exercise-health record (运动健康档案): clinicians, and coaches for their own people. */
export function RecordPage({ participantId }: { participantId: string }) {
  const { data, error, reload } = useLoad(participantId, () => recordApi.record(participantId));
  const panel = useSignal<Panel>({ kind: 'none' });
  const actionError = useSignal<string | null>(null);
  const saved = useSignal<string | null>(null);
  const r = data.value;
  const user = me.value;
  const isClinician = !!user && user.roles.some((x) => x === 'clinician' || x === 'admin');
  const nowMs = Date.now();
  const pending = r?.proposals.find((p) => p.status === 'proposed');

  const derive = async (assessmentId: string) => {
    panel.value = { kind: 'derive', assessmentId, derivation: null, error: null };
    try {
      const d = await recordApi.derive(assessmentId);
      panel.value = { kind: 'derive', assessmentId, derivation: d, error: null };
    } catch (e) {
      panel.value = { kind: 'derive', assessmentId, derivation: null, error: errorText(e) };
    }
  };
  const act = async (fn: () => Promise<unknown>, done: string) => {
    actionError.value = null;
    try {
      await fn();
      saved.value = done;
      panel.value = { kind: 'none' };
      reload();
    } catch (e) {
      actionError.value = errorText(e);
    }
  };

  return (
    <main class="page record-page" data-participant={participantId}>
      <div class="wall-bar record-bar">
        <a class="btn no-print" href={href({ name: 'records' })}>
          {t('record.backToList')}
        </a>
        <h1 class="wall-title">
          {t('record.title')} <Data>{r?.participant.alias ?? participantId}</Data>
        </h1>
        <span class="spacer" />
        {isClinician && r && (
          <>
            <button type="button" class="btn no-print" onClick={() => (panel.value = { kind: 'assess' })}>
              {t('record.newAssessment')}
            </button>
            {!r.enrolment && (
              <button type="button" class="btn no-print" onClick={() => (panel.value = { kind: 'enrol' })}>
                {t('record.enrol.open')}
              </button>
            )}
          </>
        )}
        <button type="button" class="btn no-print" onClick={() => print()}>
          {t('record.print')}
        </button>
      </div>
      {error.value && (
        <p class="error" role="alert">
          <Data>{error.value}</Data>
        </p>
      )}
      {!r && !error.value && <p>{t('common.loading')}</p>}
      {saved.value && (
        <p class="ok no-print" role="status" data-testid="record-saved">
          {saved.value}
        </p>
      )}
      {actionError.value && (
        <p class="error" role="alert">
          <Data>{actionError.value}</Data>
        </p>
      )}
      {r && panel.value.kind === 'assess' && (
        <AssessmentForm
          participantId={participantId}
          nowMs={nowMs}
          initialKind={r.assessments.some((a) => a.kind === 'baseline') ? 'reassessment' : 'baseline'}
          save={(body) => recordApi.createAssessment(body)}
          onSaved={(id) => {
            saved.value = t('record.form.saved');
            reload();
            void derive(id);
          }}
          onCancel={() => (panel.value = { kind: 'none' })}
        />
      )}
      {r && panel.value.kind === 'derive' && (
        <>
          {panel.value.error && (
            <p class="error" role="alert">
              <Data>{panel.value.error}</Data>
            </p>
          )}
          {!panel.value.derivation && !panel.value.error && <p>{t('common.loading')}</p>}
          {panel.value.derivation && (
            <DerivationView
              derivation={panel.value.derivation}
              onCancel={() => (panel.value = { kind: 'none' })}
              onSave={() => {
                const d = (panel.value as { derivation: AssessmentDerivation }).derivation;
                return act(
                  () => recordApi.savePrescription(participantId, d.proposed, t('record.derive.note')),
                  t('record.derive.saved'),
                );
              }}
            />
          )}
        </>
      )}
      {r && panel.value.kind === 'enrol' && (
        <EnrolForm
          highRisk={r.risk.riskClass === 'high' && !r.risk.homeOverride}
          today={today(nowMs)}
          programmes={recordApi.programmes}
          enrol={async (body) => {
            await recordApi.enrol({ participantId, ...body });
          }}
          onDone={() => {
            saved.value = t('record.enrol.done');
            panel.value = { kind: 'none' };
            reload();
          }}
          onCancel={() => (panel.value = { kind: 'none' })}
        />
      )}
      {r && (
        <>
          <div class="record-top">
            <Summary r={r} />
            {r.risk.result && <RiskBlock risk={r.risk.result} />}
          </div>
          {isClinician && pending && (
            <ProgressionView
              proposal={pending.proposal as ProgressionProposal}
              timeline={r.timeline}
              onAccept={async () => {
                await act(
                  () => recordApi.decide(pending.id, { status: 'accepted' }),
                  t('record.prog.accepted'),
                );
              }}
              onReject={async (reason) => {
                await act(
                  () => recordApi.decide(pending.id, { status: 'rejected', reason }),
                  t('record.prog.rejected'),
                );
              }}
            />
          )}
          <h2>{t('record.trends')}</h2>
          <Charts r={r} />
          <h2>{t('record.compare.title')}</h2>
          <Comparison r={r} />
          <h2>{t('record.timeline')}</h2>
          <Timeline r={r} onDerive={isClinician ? (id) => void derive(id) : undefined} />
        </>
      )}
    </main>
  );
}
