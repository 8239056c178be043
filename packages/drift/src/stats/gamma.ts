// biome-ignore-all lint/correctness/noPrecisionLoss: published coefficients, kept with every digit of their source
// Special functions for the chi-square p-value, written after Cephes (Stephen L. Moshier),
// `igam.c` / `igamc.c`: series for the lower and continued fraction for the upper regularized
// incomplete gamma function; the log-gamma function uses the Lanczos approximation
// (g = 7, n = 9 coefficients, as in Numerical Recipes 3rd ed. §6.1 / Godfrey's table).

const LANCZOS_G = 7;
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];
const HALF_LOG_2PI = 0.91893853320467274178;
const MACHEP = 1.11022302462515654042e-16;
const MAXLOG = 7.09782712893383996843e2;
const BIG = 4.503599627370496e15;
const BIGINV = 2.22044604925031308085e-16;

/** ln Γ(x) for x > 0. */
export function logGamma(x: number): number {
  if (x < 0.5) {
    // Reflection: Γ(x)Γ(1−x) = π / sin(πx).
    return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  }
  const z = x - 1;
  let a = LANCZOS[0] as number;
  const t = z + LANCZOS_G + 0.5;
  for (let i = 1; i < LANCZOS.length; i++) a += (LANCZOS[i] as number) / (z + i);
  return HALF_LOG_2PI + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Regularized lower incomplete gamma P(a, x) (Cephes `igam`). */
export function lowerRegularizedGamma(a: number, x: number): number {
  if (x <= 0 || a <= 0) return 0;
  if (x > 1 && x > a) return 1 - upperRegularizedGamma(a, x);
  const ax = a * Math.log(x) - x - logGamma(a);
  if (ax < -MAXLOG) return 0;
  // Power series.
  let r = a;
  let c = 1;
  let ans = 1;
  do {
    r += 1;
    c *= x / r;
    ans += c;
  } while (c / ans > MACHEP);
  return (ans * Math.exp(ax)) / a;
}

/** Regularized upper incomplete gamma Q(a, x) = 1 − P(a, x) (Cephes `igamc`). */
export function upperRegularizedGamma(a: number, x: number): number {
  if (x <= 0 || a <= 0) return 1;
  if (x < 1 || x < a) return 1 - lowerRegularizedGamma(a, x);
  const ax = a * Math.log(x) - x - logGamma(a);
  if (ax < -MAXLOG) return 0;
  // Continued fraction.
  let y = 1 - a;
  let z = x + y + 1;
  let c = 0;
  let pkm2 = 1;
  let qkm2 = x;
  let pkm1 = x + 1;
  let qkm1 = z * x;
  let ans = pkm1 / qkm1;
  let t: number;
  do {
    c += 1;
    y += 1;
    z += 2;
    const yc = y * c;
    const pk = pkm1 * z - pkm2 * yc;
    const qk = qkm1 * z - qkm2 * yc;
    if (qk !== 0) {
      const r = pk / qk;
      t = Math.abs((ans - r) / r);
      ans = r;
    } else {
      t = 1;
    }
    pkm2 = pkm1;
    pkm1 = pk;
    qkm2 = qkm1;
    qkm1 = qk;
    if (Math.abs(pk) > BIG) {
      pkm2 *= BIGINV;
      pkm1 *= BIGINV;
      qkm2 *= BIGINV;
      qkm1 *= BIGINV;
    }
  } while (t > MACHEP);
  return ans * Math.exp(ax);
}

/** Survival function of the chi-square distribution with `df` degrees of freedom: P(X > x). */
export function chiSquareSurvival(x: number, df: number): number {
  if (!(x > 0)) return 1;
  return upperRegularizedGamma(df / 2, x / 2);
}
