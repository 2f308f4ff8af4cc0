// UNMONITORED (issue 14): a participant of an active session with no bound device raises a technical
// warning from `tick`, with the lifecycle of every other alert. Time is injected: every call gets it.
import { describe, expect, it } from 'vitest';
import { ParticipantMonitor } from './monitor.js';
import { replay } from './replay.js';
import { defaultRuleSettings, mergeRuleSettings } from './settings.js';
import { rx } from './test-helpers.js';
import type { EngineEvent } from './types.js';

function fmt(e: EngineEvent): string {
  const base = `${e.t / 1000}s ${e.event} ${e.rule} ${e.severity}`;
  if (e.event === 'escalated') return `${base} ${e.target}`;
  if (e.event === 'acknowledged' || e.event === 'closed') return `${base} by ${e.actor}`;
  return base;
}

describe('UNMONITORED: nobody in a session goes without a bound device silently', () => {
  it('is raised at the first tick after an unbind, cleared and closed at once on re-bind', () => {
    const m = new ParticipantMonitor(rx(), defaultRuleSettings, 0);
    m.evaluate({ t: 1000, hr: 110 });
    expect(m.tick(1000)).toEqual([]);
    expect(m.setBound(false, 1500)).toEqual([]);
    const raised = m.tick(2000);
    expect(raised.map(fmt)).toEqual(['2s raised UNMONITORED warning']);
    expect(raised[0]?.alert.state).toBe('open');
    // Held open, not raised twice, while unbound; SIGNAL_LOST does not count for an unbound participant.
    expect(m.tick(20_000)).toEqual([]);
    const bound = m.setBound(true, 21_000);
    expect(bound.map(fmt)).toEqual([
      '21s cleared UNMONITORED warning',
      '21s closed UNMONITORED warning by system',
    ]);
    expect(bound[1]?.alert.state).toBe('closed');
  });

  it('has no re-arm lock-out: a second unbind right after a re-bind raises again', () => {
    const m = new ParticipantMonitor(rx(), defaultRuleSettings, 0);
    m.setBound(false, 0);
    m.tick(1000);
    m.setBound(true, 2000);
    m.setBound(false, 3000);
    expect(m.tick(3000).map(fmt)).toEqual(['3s raised UNMONITORED warning']);
  });

  it('waits unmonitored.warningAfterMs when a site sets a grace period, counted from the unbind', () => {
    const s = mergeRuleSettings(defaultRuleSettings, { unmonitored: { warningAfterMs: 5000 } });
    const m = new ParticipantMonitor(rx(), s, 0);
    m.setBound(false, 10_000);
    expect(m.tick(14_999)).toEqual([]);
    expect(m.tick(15_000).map(fmt)).toEqual(['15s raised UNMONITORED warning']);
    // A re-bind inside the grace period raises nothing.
    const n = new ParticipantMonitor(rx(), s, 0);
    n.setBound(false, 10_000);
    n.tick(12_000);
    expect(n.setBound(true, 13_000)).toEqual([]);
    expect(n.tick(20_000).filter((e) => e.rule === 'UNMONITORED')).toEqual([]);
  });

  it('is acknowledged and escalated like any warning, and stays silenced until re-bind', () => {
    const m = new ParticipantMonitor(rx(), defaultRuleSettings, 0);
    m.setBound(false, 0);
    const id = m.tick(0)[0]!.alertId;
    expect(m.tick(60_000).map(fmt)).toEqual(['60s escalated UNMONITORED warning repeat']);
    const ack = m.acknowledge(id, 'u1', 61_000);
    expect(ack.events.map(fmt)).toEqual(['61s acknowledged UNMONITORED warning by u1']);
    expect(m.tick(200_000)).toEqual([]);
    expect(m.setBound(true, 201_000).map(fmt)).toEqual([
      '201s cleared UNMONITORED warning',
      '201s closed UNMONITORED warning by system',
    ]);
  });

  it('clears when the participant leaves the session, and closes what else is open', () => {
    const m = new ParticipantMonitor(rx(), defaultRuleSettings, 0);
    for (let s = 0; s <= 10; s++) m.evaluate({ t: s * 1000, hr: 35 }); // HR_LOW critical at 10 s
    m.setBound(false, 11_000);
    m.tick(11_000);
    expect(m.leave(12_000).map(fmt)).toEqual([
      '12s cleared UNMONITORED warning',
      '12s closed UNMONITORED warning by system',
      '12s closed HR_LOW critical by system',
    ]);
    expect(m.tick(100_000)).toEqual([]);
  });

  it('is not raised in an ended session, nor for a participant bound from the start', () => {
    const m = new ParticipantMonitor(rx(), defaultRuleSettings, 0);
    expect(m.tick(60_000).map((e) => e.rule)).not.toContain('UNMONITORED');
    const ended = new ParticipantMonitor(rx(), defaultRuleSettings, 0);
    ended.setBound(false, 0);
    ended.endSession();
    expect(ended.tick(5000)).toEqual([]);
  });

  it('a participant created unbound counts from the session start', () => {
    const m = new ParticipantMonitor(rx(), defaultRuleSettings, 5000, { bound: false });
    expect(m.tick(5000).map(fmt)).toEqual(['5s raised UNMONITORED warning']);
  });

  it('survives a prescription change mid-session (still open, cleared by the re-bind)', () => {
    const m = new ParticipantMonitor(rx(), defaultRuleSettings, 0);
    m.setBound(false, 0);
    m.tick(1000);
    m.changePrescription(rx({ ceilingBpm: 150 }));
    expect(m.tick(2000)).toEqual([]);
    expect(m.setBound(true, 3000).map(fmt)[0]).toBe('3s cleared UNMONITORED warning');
  });

  it('never fires in replay: the participant is bound from 0 (section 7 unchanged)', () => {
    const rxJson = JSON.stringify({
      hrRest: 60,
      hrMax: { source: 'measured', bpm: 170 },
      zone: { method: 'bpm', low: 100, high: 120 },
    });
    const csv = 't_ms,hr,spo2,steps,contact\n0,,,,\n60000,,,,\n';
    const lines = replay(rxJson, csv);
    expect(lines.join('\n')).not.toContain('UNMONITORED');
  });
});
