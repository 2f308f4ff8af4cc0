import { SEVERITY_RANK } from '@zonewatch/protocol';
import { at, found, ms, msOrNull, type RepoContext } from '../context.js';
import type { Db } from '../db.js';
import { codes } from '../errors.js';
import { newId } from '../ids.js';
import {
  ALERT_EVENTS,
  type AlertEventKind,
  type AlertEventRecord,
  type AlertRecord,
  type AlertState,
  SEVERITIES,
  type Severity,
} from '../types.js';

interface AlertRow {
  id: string;
  session_id: string;
  participant_id: string;
  rule: string;
  severity: Severity;
  unconfirmed: boolean;
  state: AlertState;
  condition_cleared: boolean;
  raised_at: Date;
  acknowledged_at: Date | null;
  acknowledged_by: string | null;
  closed_at: Date | null;
  escalation_level: number;
  updated_at: Date;
}

interface EventRow {
  alert_id: string;
  seq: number;
  event: AlertEventKind;
  severity: Severity;
  at: Date;
  actor_id: string | null;
  note: string | null;
}

const COLS = `id, session_id, participant_id, rule, severity, unconfirmed, state, condition_cleared, raised_at,
  acknowledged_at, acknowledged_by, closed_at, escalation_level, updated_at`;
const EVENT_COLS = 'alert_id, seq, event, severity, at, actor_id, note';

const toAlert = (r: AlertRow): AlertRecord => ({
  id: r.id,
  sessionId: r.session_id,
  participantId: r.participant_id,
  rule: r.rule,
  severity: r.severity,
  unconfirmed: r.unconfirmed,
  state: r.state,
  conditionCleared: r.condition_cleared,
  raisedAt: ms(r.raised_at),
  acknowledgedAt: msOrNull(r.acknowledged_at),
  acknowledgedBy: r.acknowledged_by,
  closedAt: msOrNull(r.closed_at),
  escalationLevel: r.escalation_level,
  updatedAt: ms(r.updated_at),
});

const toEvent = (r: EventRow): AlertEventRecord => ({
  alertId: r.alert_id,
  seq: r.seq,
  event: r.event,
  severity: r.severity,
  at: ms(r.at),
  actorId: r.actor_id,
  note: r.note,
});

const RANK = SEVERITY_RANK;

/** Input of {@link AlertsRepo.raise}. */
export interface RaiseAlert {
  id?: string;
  sessionId: string;
  participantId: string;
  /** Rule id of the rules engine, e.g. `HR_OVER_CEILING`. */
  rule: string;
  severity: Severity;
  /** Raised on doubtful data (CLINICAL-RULES.md section 3). */
  unconfirmed?: boolean;
  atMs: number;
}

/** Input of {@link AlertsRepo.recordEvent}: one lifecycle transition after `raised`. */
export interface AlertEventInput {
  alertId: string;
  event: Exclude<AlertEventKind, 'raised'>;
  atMs: number;
  /** The user who acted (required for `acknowledged`); omitted/null for the system. */
  actorId?: string | null;
  /** Free text, e.g. an acknowledgement note (≤ 500 characters, no health data in logs — it is stored only). */
  note?: string | null;
  /** `upgraded`: the new, stronger severity (required). */
  severity?: Severity;
  /** `upgraded`: whether the new severity is unconfirmed (default false). */
  unconfirmed?: boolean;
  /** `escalated`: the level reached (default current + 1; must increase). */
  escalationLevel?: number;
}

/** Input of {@link AlertsRepo.persist}: one transition after `raised`, exactly as the rules engine decided it. */
export interface PersistAlertEvent {
  alertId: string;
  event: Exclude<AlertEventKind, 'raised'>;
  atMs: number;
  /** The user who acted; omitted/null for the system. */
  actorId?: string | null;
  note?: string | null;
  /** The alert after the transition (the engine's `AlertStatus`): stored as given. */
  after: {
    severity: Severity;
    unconfirmed: boolean;
    state: AlertState;
    conditionCleared: boolean;
    escalationLevel: number;
    acknowledgedAt: number | null;
    /** User id of the acknowledgement in force. */
    acknowledgedBy: string | null;
    closedAt: number | null;
  };
}

/** What a lifecycle call changed: the alert after it, and the events appended (in order). */
export interface AlertChange {
  alert: AlertRecord;
  events: AlertEventRecord[];
}

/**
 * Alerts and their lifecycle (CLINICAL-RULES.md section 4). Every change updates the alert row and appends
 * its event(s) in one transaction, under a row lock on the alert.
 *
 * The live service stores what the rules engine decided with {@link AlertsRepo.persist} (no rule applied
 * here). {@link AlertsRepo.recordEvent} is for writers that hold no engine state (tools, test set-up): it
 * follows one invariant — an alert closes when its condition has cleared and, if it is critical, it has been
 * acknowledged (critical alerts latch); the event that completes this (`cleared` or `acknowledged`) is
 * followed by a `closed` event; `closed` can also be recorded directly.
 */
export interface AlertsRepo {
  /**
   * Opens an alert and records its `raised` event.
   * @throws ZW_ERR_CONFLICT when one is already live (not closed) for the session, participant and rule;
   *   ZW_ERR_INVALID_INPUT, ZW_ERR_INVALID_REFERENCE
   */
  raise(input: RaiseAlert): Promise<AlertChange>;
  /**
   * Records a transition: `upgraded` (severity only goes up; an acknowledged alert becomes open again and
   *   needs a new acknowledgement), `escalated` (level only goes up),
   * `acknowledged` (needs an actor; once), `cleared` (condition cleared; once), `resounded`, `closed`.
   * @throws ZW_ERR_NOT_FOUND, ZW_ERR_INVALID_STATE (alert closed, already acknowledged/cleared),
   *   ZW_ERR_INVALID_INPUT (missing actor or severity, severity not stronger, level not higher)
   */
  recordEvent(input: AlertEventInput): Promise<AlertChange>;
  /**
   * Stores one transition the rules engine decided (the live service's path): the alert row becomes
   * `input.after` and exactly one event is appended. No lifecycle rule is applied here — the engine is the
   * one place that decides open/acknowledged/closed, latching and re-sound.
   * @throws ZW_ERR_NOT_FOUND, ZW_ERR_INVALID_STATE (alert already closed), ZW_ERR_INVALID_INPUT (unknown
   *   event, severity or state)
   */
  persist(input: PersistAlertEvent): Promise<AlertChange>;
  get(id: string): Promise<AlertRecord | undefined>;
  /**
   * Every alert not yet closed (open or acknowledged), oldest first: what ingest restores after a restart.
   * Filter by sites or by one session.
   */
  open(filter?: { siteIds?: readonly string[]; sessionId?: string }): Promise<AlertRecord[]>;
  /** All alerts of a session (reports), oldest first. */
  listBySession(sessionId: string): Promise<AlertRecord[]>;
  /** The events of one alert, in order. */
  events(alertId: string): Promise<AlertEventRecord[]>;
  /** Every event of every alert of a session, in time order (reports, audit). */
  eventsBySession(sessionId: string): Promise<AlertEventRecord[]>;
}

async function appendEvent(
  tx: Db,
  alertId: string,
  seq: number,
  e: { event: AlertEventKind; severity: Severity; at: Date; actorId: string | null; note: string | null },
): Promise<AlertEventRecord> {
  const [row] = await tx.query<EventRow>(
    `INSERT INTO alert_events (alert_id, seq, event, severity, at, actor_id, note) VALUES ($1, $2, $3, $4, $5, $6, $7)
     RETURNING ${EVENT_COLS}`,
    [alertId, seq, e.event, e.severity, e.at, e.actorId, e.note],
  );
  return toEvent(row!);
}

function checkSeverity(field: string, s: unknown): asserts s is Severity {
  if (!(SEVERITIES as readonly unknown[]).includes(s)) {
    throw new codes.ZW_ERR_INVALID_INPUT(
      `${field} must be ${SEVERITIES.slice(0, -1).join(', ')} or ${SEVERITIES.at(-1)}`,
    );
  }
}

/** Alert repository over `ctx.db`. */
export function alertsRepo({ db }: RepoContext): AlertsRepo {
  return {
    async raise(input) {
      checkSeverity('severity', input.severity);
      const when = at('atMs', input.atMs);
      return db.transaction(async (tx) => {
        const [row] = await tx.query<AlertRow>(
          `INSERT INTO alerts (id, session_id, participant_id, rule, severity, unconfirmed, raised_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING ${COLS}`,
          [
            input.id ?? newId('al'),
            input.sessionId,
            input.participantId,
            input.rule,
            input.severity,
            input.unconfirmed ?? false,
            when,
          ],
        );
        const alert = toAlert(row!);
        const event = await appendEvent(tx, alert.id, 1, {
          event: 'raised',
          severity: alert.severity,
          at: when,
          actorId: null,
          note: null,
        });
        return { alert, events: [event] };
      });
    },

    async recordEvent(input) {
      if (
        !(ALERT_EVENTS as readonly string[]).includes(input.event) ||
        (input.event as string) === 'raised'
      ) {
        throw new codes.ZW_ERR_INVALID_INPUT(
          'event must be upgraded, escalated, acknowledged, cleared, closed or resounded',
        );
      }
      const when = at('atMs', input.atMs);
      return db.transaction(async (tx) => {
        const [locked] = await tx.query<AlertRow>(`SELECT ${COLS} FROM alerts WHERE id = $1 FOR UPDATE`, [
          input.alertId,
        ]);
        const a = found(locked, 'alert', input.alertId);
        if (a.state === 'closed') throw new codes.ZW_ERR_INVALID_STATE(`alert ${a.id} is closed`);
        let { severity, unconfirmed, state } = a;
        let cleared = a.condition_cleared;
        let level = a.escalation_level;
        let ackAt = a.acknowledged_at;
        let ackBy = a.acknowledged_by;
        const actorId = input.actorId ?? null;
        switch (input.event) {
          case 'upgraded': {
            checkSeverity('severity', input.severity);
            const stronger = RANK[input.severity] > RANK[a.severity];
            // Doubtful data confirmed at the same level also counts as an upgrade.
            const confirmed = input.severity === a.severity && a.unconfirmed && !input.unconfirmed;
            if (!stronger && !confirmed) {
              throw new codes.ZW_ERR_INVALID_INPUT(`severity must be stronger than ${a.severity} to upgrade`);
            }
            severity = input.severity;
            unconfirmed = input.unconfirmed ?? false;
            // An acknowledgement silenced the weaker alarm only: a stronger one must be acknowledged again
            // (IEC 60601-1-8 re-annunciation). The earlier acknowledgement stays in the event history.
            if (stronger && state === 'acknowledged') {
              state = 'open';
              ackAt = null;
              ackBy = null;
            }
            break;
          }
          case 'escalated': {
            const next = input.escalationLevel ?? level + 1;
            if (!Number.isInteger(next) || next <= level) {
              throw new codes.ZW_ERR_INVALID_INPUT(`escalationLevel must be an integer above ${level}`);
            }
            level = next;
            break;
          }
          case 'acknowledged': {
            if (!actorId) throw new codes.ZW_ERR_INVALID_INPUT('actorId is required to acknowledge an alert');
            if (state === 'acknowledged')
              throw new codes.ZW_ERR_INVALID_STATE(`alert ${a.id} is already acknowledged`);
            state = 'acknowledged';
            ackAt = when;
            ackBy = actorId;
            break;
          }
          case 'cleared': {
            if (cleared) throw new codes.ZW_ERR_INVALID_STATE(`alert ${a.id} has already cleared`);
            cleared = true;
            break;
          }
          case 'resounded':
            // A critical alarm still active a while after its acknowledgement sounds again and needs a new
            // acknowledgement (CLINICAL-RULES.md section 4); the first one stays in the event history.
            if (state === 'acknowledged') {
              state = 'open';
              ackAt = null;
              ackBy = null;
            }
            break;
          case 'closed':
            break;
        }
        const closes =
          input.event === 'closed' || (cleared && (severity !== 'critical' || state === 'acknowledged'));
        const [row] = await tx.query<AlertRow>(
          `UPDATE alerts SET severity = $2, unconfirmed = $3, state = $4, condition_cleared = $5, escalation_level = $6,
             acknowledged_at = $7, acknowledged_by = $8, closed_at = $9, updated_at = $10
           WHERE id = $1 RETURNING ${COLS}`,
          [
            a.id,
            severity,
            unconfirmed,
            closes ? 'closed' : state,
            cleared,
            level,
            ackAt,
            ackBy,
            closes ? when : null,
            when,
          ],
        );
        const [{ seq } = { seq: 0 }] = await tx.query<{ seq: number }>(
          'SELECT max(seq) AS seq FROM alert_events WHERE alert_id = $1',
          [a.id],
        );
        const events = [
          await appendEvent(tx, a.id, seq + 1, {
            event: input.event,
            severity,
            at: when,
            actorId,
            note: input.note ?? null,
          }),
        ];
        if (closes && input.event !== 'closed') {
          events.push(
            await appendEvent(tx, a.id, seq + 2, {
              event: 'closed',
              severity,
              at: when,
              actorId,
              note: null,
            }),
          );
        }
        return { alert: toAlert(row!), events };
      });
    },

    async persist(input) {
      if (
        !(ALERT_EVENTS as readonly string[]).includes(input.event) ||
        (input.event as string) === 'raised'
      ) {
        throw new codes.ZW_ERR_INVALID_INPUT(
          'event must be upgraded, escalated, acknowledged, cleared, closed or resounded',
        );
      }
      const after = input.after;
      checkSeverity('after.severity', after.severity);
      if (!(['open', 'acknowledged', 'closed'] as const).includes(after.state)) {
        throw new codes.ZW_ERR_INVALID_INPUT('after.state must be open, acknowledged or closed');
      }
      const when = at('atMs', input.atMs);
      const ackAt = after.acknowledgedAt === null ? null : at('after.acknowledgedAt', after.acknowledgedAt);
      const closedAt = after.closedAt === null ? null : at('after.closedAt', after.closedAt);
      return db.transaction(async (tx) => {
        const [locked] = await tx.query<AlertRow>(`SELECT ${COLS} FROM alerts WHERE id = $1 FOR UPDATE`, [
          input.alertId,
        ]);
        const a = found(locked, 'alert', input.alertId);
        if (a.state === 'closed') throw new codes.ZW_ERR_INVALID_STATE(`alert ${a.id} is closed`);
        const [row] = await tx.query<AlertRow>(
          `UPDATE alerts SET severity = $2, unconfirmed = $3, state = $4, condition_cleared = $5, escalation_level = $6,
             acknowledged_at = $7, acknowledged_by = $8, closed_at = $9, updated_at = $10
           WHERE id = $1 RETURNING ${COLS}`,
          [
            a.id,
            after.severity,
            after.unconfirmed,
            after.state,
            after.conditionCleared,
            after.escalationLevel,
            ackAt,
            after.acknowledgedBy,
            closedAt,
            when,
          ],
        );
        const [{ seq } = { seq: 0 }] = await tx.query<{ seq: number }>(
          'SELECT max(seq) AS seq FROM alert_events WHERE alert_id = $1',
          [a.id],
        );
        const event = await appendEvent(tx, a.id, seq + 1, {
          event: input.event,
          severity: after.severity,
          at: when,
          actorId: input.actorId ?? null,
          note: input.note ?? null,
        });
        return { alert: toAlert(row!), events: [event] };
      });
    },

    async get(id) {
      const [row] = await db.query<AlertRow>(`SELECT ${COLS} FROM alerts WHERE id = $1`, [id]);
      return row && toAlert(row);
    },

    async open(filter = {}) {
      const rows = await db.query<AlertRow>(
        `SELECT ${COLS} FROM alerts WHERE state <> 'closed'
           AND ($1::text[] IS NULL OR session_id IN (SELECT id FROM sessions WHERE site_id = ANY ($1::text[])))
           AND ($2::text IS NULL OR session_id = $2)
         ORDER BY raised_at, id`,
        [filter.siteIds ? [...filter.siteIds] : null, filter.sessionId ?? null],
      );
      return rows.map(toAlert);
    },

    async listBySession(sessionId) {
      const rows = await db.query<AlertRow>(
        `SELECT ${COLS} FROM alerts WHERE session_id = $1 ORDER BY raised_at, id`,
        [sessionId],
      );
      return rows.map(toAlert);
    },

    async events(alertId) {
      const rows = await db.query<EventRow>(
        `SELECT ${EVENT_COLS} FROM alert_events WHERE alert_id = $1 ORDER BY seq`,
        [alertId],
      );
      return rows.map(toEvent);
    },

    async eventsBySession(sessionId) {
      const rows = await db.query<EventRow>(
        `SELECT e.alert_id, e.seq, e.event, e.severity, e.at, e.actor_id, e.note
         FROM alert_events e JOIN alerts a ON a.id = e.alert_id
         WHERE a.session_id = $1 ORDER BY e.at, e.alert_id, e.seq`,
        [sessionId],
      );
      return rows.map(toEvent);
    },
  };
}
