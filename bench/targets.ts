/** The targets a benchmark checks, and the number formatting both reports share. */
export interface Target {
  name: string;
  value: number | undefined;
  unit: '×' | 'MiB';
  goal: string;
  met: (value: number) => boolean;
}

/** A number with 0, 1 or 2 decimals depending on its size; '–' when not finite. */
export function num(value: number): string {
  if (!Number.isFinite(value)) return '–';
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return value.toFixed(digits);
}

export function verdict(target: Target): string {
  if (target.value === undefined) return 'n/a';
  return target.met(target.value) ? 'PASS' : 'SHORT';
}

/** `| name | value | goal | verdict |`; `missing` says why a value is absent. */
export function targetRow(target: Target, missing: string): string {
  const value = target.value === undefined ? `n/a (${missing})` : target.unit === '×' ? `${target.value.toFixed(2)}×` : `${num(target.value)} MiB`;
  return `| ${target.name} | ${value} | ${target.goal} | ${verdict(target)} |`;
}

export function targetJson(target: Target): Record<string, unknown> {
  return { name: target.name, value: target.value ?? null, unit: target.unit, goal: target.goal, verdict: verdict(target) };
}
