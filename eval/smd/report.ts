/** Plain-text tables of SMD results: one per method, a row per machine and a mean row. */
import type { MethodResult } from './evaluate.js';

export interface MeanRow {
  method: string;
  machines: number;
  bestF1: number;
  trainF1: number;
  trainPrecision: number;
  trainRecall: number;
  paKF1: number;
  averagePrecision: number;
  eventRecall: number;
  falseAlarmsPerDay: number;
  meanDelayMinutes: number;
  alarmRate: number;
  hitRate100: number;
  hitRate150: number;
  fitSeconds: number;
  scoreSeconds: number;
}

/** Mean over the values that are numbers (a machine with no detected segment has no delay). */
function mean(values: number[]): number {
  const v = values.filter((x) => Number.isFinite(x));
  return v.length ? v.reduce((s, x) => s + x, 0) / v.length : NaN;
}

export function meanRow(method: string, rows: readonly MethodResult[]): MeanRow {
  return {
    method,
    machines: rows.length,
    bestF1: mean(rows.map((r) => r.bestF1)),
    trainF1: mean(rows.map((r) => r.trainF1)),
    trainPrecision: mean(rows.map((r) => r.trainPrecision)),
    trainRecall: mean(rows.map((r) => r.trainRecall)),
    paKF1: mean(rows.map((r) => r.paKF1)),
    averagePrecision: mean(rows.map((r) => r.averagePrecision)),
    eventRecall: mean(rows.map((r) => r.events.recall)),
    falseAlarmsPerDay: mean(rows.map((r) => r.events.falseAlarmsPerDay)),
    meanDelayMinutes: mean(rows.map((r) => r.events.meanDelayMinutes)),
    alarmRate: mean(rows.map((r) => r.events.alarmRate)),
    hitRate100: mean(rows.map((r) => r.hitRate100)),
    hitRate150: mean(rows.map((r) => r.hitRate150)),
    fitSeconds: mean(rows.map((r) => r.fitSeconds)),
    scoreSeconds: mean(rows.map((r) => r.scoreSeconds)),
  };
}

const f3 = (v: number) => (Number.isFinite(v) ? v.toFixed(3) : '—');
const f1 = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : '—');

const HEADER = ['machine', 'F1 best', 'F1 @train', 'P @train', 'R @train', 'PA%K F1', 'AP', 'ev. recall', 'FA/day', 'delay min', 'alarm %', 'Hit@100', 'Hit@150', 'fit s', 'score s'];

function line(cells: string[], widths: number[]): string {
  return cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
}

/** One table: a row per machine, then the mean row. */
export function methodTable(method: string, rows: readonly MethodResult[], paK: number): string {
  const header = HEADER.map((h) => (h === 'PA%K F1' ? `PA%${paK} F1` : h));
  const body = rows.map((r) => [
    r.machine,
    f3(r.bestF1),
    f3(r.trainF1),
    f3(r.trainPrecision),
    f3(r.trainRecall),
    f3(r.paKF1),
    f3(r.averagePrecision),
    `${r.events.detected}/${r.events.segments}`,
    f1(r.events.falseAlarmsPerDay),
    f1(r.events.meanDelayMinutes),
    f1(100 * r.events.alarmRate),
    f3(r.hitRate100),
    f3(r.hitRate150),
    f1(r.fitSeconds),
    f1(r.scoreSeconds),
  ]);
  const m = meanRow(method, rows);
  const meanCells = ['mean', f3(m.bestF1), f3(m.trainF1), f3(m.trainPrecision), f3(m.trainRecall), f3(m.paKF1), f3(m.averagePrecision), f3(m.eventRecall), f1(m.falseAlarmsPerDay), f1(m.meanDelayMinutes), f1(100 * m.alarmRate), f3(m.hitRate100), f3(m.hitRate150), f1(m.fitSeconds), f1(m.scoreSeconds)];
  const all = [header, ...body, meanCells];
  const widths = header.map((_, i) => Math.max(...all.map((r) => r[i].length)));
  const rule = '─'.repeat(widths.reduce((s, w) => s + w + 2, -2));
  return [`${method}`, line(header, widths), rule, ...body.map((r) => line(r, widths)), rule, line(meanCells, widths)].join('\n');
}

/** The mean rows of every method side by side. */
export function summaryTable(means: readonly MeanRow[], paK: number): string {
  const header = ['method', 'F1 best', 'F1 @train', 'P @train', 'R @train', `PA%${paK} F1`, 'AP', 'ev. recall', 'FA/day', 'delay min', 'alarm %', 'Hit@100', 'Hit@150'];
  const body = means.map((m) => [m.method, f3(m.bestF1), f3(m.trainF1), f3(m.trainPrecision), f3(m.trainRecall), f3(m.paKF1), f3(m.averagePrecision), f3(m.eventRecall), f1(m.falseAlarmsPerDay), f1(m.meanDelayMinutes), f1(100 * m.alarmRate), f3(m.hitRate100), f3(m.hitRate150)]);
  const all = [header, ...body];
  const widths = header.map((_, i) => Math.max(...all.map((r) => r[i].length)));
  const rule = '─'.repeat(widths.reduce((s, w) => s + w + 2, -2));
  return [line(header, widths), rule, ...body.map((r) => line(r, widths))].join('\n');
}
