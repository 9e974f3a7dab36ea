import { describe, expect, it } from 'vitest';
import { Radix2Fft } from './fft.js';
import { DIRECT_DFT_MAX, Periodogram } from './periodogram.js';
import { groupFeatures } from './test-helpers.js';

function naivePower(x: Float64Array): Float64Array {
  const n = x.length;
  const out = new Float64Array((n >>> 1) + 1);
  for (let k = 0; k < out.length; k++) {
    let re = 0;
    let im = 0;
    for (let t = 0; t < n; t++) {
      re += x[t] * Math.cos((2 * Math.PI * k * t) / n);
      im -= x[t] * Math.sin((2 * Math.PI * k * t) / n);
    }
    out[k] = re * re + im * im;
  }
  return out;
}

describe('periodogram', () => {
  it('agrees with the textbook DFT for power-of-two, direct and Bluestein lengths', () => {
    let seed = 9;
    const rnd = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    for (const n of [8, 60, 64, 97, DIRECT_DFT_MAX + 2, 240, 1000]) {
      const x = Float64Array.from({ length: n }, () => rnd() - 0.5);
      const p = new Periodogram(n);
      const got = new Float64Array(p.bins);
      p.compute(x, got);
      const want = naivePower(x);
      const scale = want.reduce((a, b) => Math.max(a, b), 0);
      for (let k = 0; k < p.bins; k++) expect(Math.abs(got[k] - want[k]), `n=${n} k=${k}`).toBeLessThan(1e-9 * scale);
    }
  });

  it('inverts its own forward transform', () => {
    const fft = new Radix2Fft(16);
    const re = Float64Array.from({ length: 16 }, (_, i) => Math.sin(i) + i);
    const im = new Float64Array(16);
    const copy = Float64Array.from(re);
    fft.forward(re, im);
    fft.inverse(re, im);
    for (let i = 0; i < 16; i++) {
      expect(re[i]).toBeCloseTo(copy[i], 12);
      expect(im[i]).toBeCloseTo(0, 12);
    }
  });
});

describe('spectral features', () => {
  it('puts a clean period-8 wave in one bin and one band', () => {
    const f = groupFeatures('spectral', Array.from({ length: 64 }, (_, t) => 3 + Math.sin((2 * Math.PI * t) / 8)));
    expect(f.dominant_frequency).toBe(1 / 8);
    expect(f.dominant_period).toBe(8);
    expect(f.dominant_power_share).toBeCloseTo(1, 9);
    expect(f.power_share_period_8_16).toBeCloseTo(1, 9);
    expect(f.power_share_period_32_plus + f.power_share_period_16_32 + f.power_share_period_4_8 + f.power_share_period_2_4).toBeCloseTo(0, 9);
    expect(f.spectral_centroid).toBeCloseTo(1 / 8, 9);
    expect(f.spectral_entropy).toBeCloseTo(0, 6);
    expect(f.spectral_flatness).toBeLessThan(1e-6);
    expect(f.spectral_rolloff_85).toBe(1 / 8);
  });

  it('finds a period-10 wave in a 60-point window (the direct DFT path)', () => {
    const f = groupFeatures('spectral', Array.from({ length: 60 }, (_, t) => Math.cos((2 * Math.PI * t) / 10)));
    expect(f.dominant_period).toBe(10);
    expect(f.power_share_period_8_16).toBeCloseTo(1, 9);
  });

  it('matches hand-computed autocorrelations of an alternating series', () => {
    const f = groupFeatures('spectral', Array.from({ length: 20 }, (_, t) => (t % 2 ? -1 : 1)));
    expect(f.acf_lag1).toBeCloseTo(-19 / 20, 12);
    expect(f.acf_lag2).toBeCloseTo(18 / 20, 12);
    expect(f.acf_lag3).toBeCloseTo(-17 / 20, 12);
    expect(f.acf_lag5).toBeCloseTo(-15 / 20, 12);
    expect(f.acf_lag10).toBeCloseTo(10 / 20, 12);
    expect(f.pacf_lag2).toBeCloseTo((0.9 - 0.95 ** 2) / (1 - 0.95 ** 2), 12);
    let q = 0;
    for (let k = 1; k <= 10; k++) q += ((20 - k) / 20) ** 2;
    expect(f.box_pierce_10).toBeCloseTo(20 * q, 9);
    expect(f.dominant_frequency).toBe(0.5);
    expect(f.power_share_period_2_4).toBeCloseTo(1, 12);
  });

  it('spreads the power of noise: high entropy and flatness', () => {
    let seed = 4;
    const rnd = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const f = groupFeatures('spectral', Array.from({ length: 240 }, () => rnd()));
    expect(f.spectral_entropy).toBeGreaterThan(0.85);
    expect(f.spectral_flatness).toBeGreaterThan(0.3);
    expect(Math.abs(f.acf_lag1)).toBeLessThan(0.2);
  });

  it('is all 0 for a constant window, with lag 10 NaN when the window is that short', () => {
    const f = groupFeatures('spectral', new Array(64).fill(2));
    for (const [name, v] of Object.entries(f)) expect(v, name).toBe(0);
    const short = groupFeatures('spectral', new Array(9).fill(2));
    expect(short.acf_lag10).toBeNaN();
    expect(short.box_pierce_10).toBeNaN();
  });
});
