import { describe, expect, it } from 'vitest';
import { describeFeature, recommend, suspectedComponent, topReasons } from './explanations.js';

describe('explanations', () => {
  const names = ['ecc_correctable_errors.inc_30m', 'ecc_correctable_errors.rate_30m_vs_6h', 'ecc_correctable_errors.inc_6h', 'cpu_temperature.shift_5m_vs_6h', 'cpu_temperature.mean_5m', 'cpu_temperature.mean_6h', 'memory_utilization.last', 'fan_speed_rpm.slope_30m'];
  const row = Float64Array.from([312, 41.2, 90, 4.2, 88.4, 61.0, 0.973, -1800]);
  const values = (n: string) => row[names.indexOf(n)] ?? NaN;

  it('puts counter increases, shifts, levels and slopes into words with units', () => {
    expect(describeFeature('ecc_correctable_errors.inc_30m', values)).toBe('correctable ECC errors: +312 in the last 30 min, 41× its 6-hour rate');
    expect(describeFeature('cpu_temperature.shift_5m_vs_6h', values)).toBe('CPU temperature up 4.2 σ against its 6-hour level (88.4 °C over 5 min vs 61.0 °C)');
    expect(describeFeature('memory_utilization.last', values)).toBe('memory utilisation at 97.3 %');
    expect(describeFeature('fan_speed_rpm.slope_30m', values)).toBe('fan speed falling by 1800 rpm per hour over the last 30 min');
  });

  it('keeps one reason per metric, strongest first, and only features that push towards failure', () => {
    const shap = Float64Array.from([2.5, 1.9, 0.4, 1.2, 0.1, 0, -3, 0.3, /* bias */ -5]);
    const reasons = topReasons(names, row, shap, 3);
    expect(reasons.map((r) => r.feature)).toEqual(['ecc_correctable_errors.inc_30m', 'cpu_temperature.shift_5m_vs_6h', 'fan_speed_rpm.slope_30m']);
    expect(reasons.every((r) => r.contribution > 0)).toBe(true);
    expect(suspectedComponent(reasons)).toBe('memory');
    expect(suspectedComponent([])).toBe('host');
    const missing = Float64Array.from(row);
    missing[0] = NaN;
    const first = topReasons(names, missing, shap, 3)[0];
    expect(first.feature).toBe('ecc_correctable_errors.rate_30m_vs_6h');
    expect(first.text).toBe('correctable ECC errors rising 41× faster than over the last 6 h');
  });

  it('recommends migrating when failure is near, maintenance when it is further, watching when elevated', () => {
    const base = { hostId: 'h1', component: 'disk' as const, ttfLabel: '15–30 min', ttfMaxMinutes: 30 };
    expect(recommend({ ...base, alarm: true, elevated: false }).action).toBe('migrate_vms');
    expect(recommend({ ...base, alarm: true, elevated: false, ttfMaxMinutes: Infinity, ttfLabel: 'over 8 h' })).toMatchObject({ action: 'schedule_maintenance', text: expect.stringContaining('replace the failing disk') });
    expect(recommend({ ...base, alarm: false, elevated: true }).action).toBe('watch');
    expect(recommend({ ...base, alarm: false, elevated: false }).action).toBe('none');
  });
});
