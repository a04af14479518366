/**
 * The difference between two versions of a service in sentences a civil servant reads
 * ("Phí cấp Phiếu …: 200.000 ₫ → 90.000 ₫ từ 01/01/2027"), for the console and the audit log.
 */
import type { ServiceSource } from './source.ts';

interface RuleLike {
  id: string;
  title?: { vi?: string; en?: string } | string;
  effective?: { from?: string; to?: string };
  conditions?: unknown;
  event?: { type?: string; params?: Record<string, unknown> };
  basis?: unknown;
}

const dong = (n: unknown): string =>
  typeof n === 'number' ? `${new Intl.NumberFormat('vi-VN').format(n)} ₫` : String(n);
const day = (iso: string | undefined): string =>
  iso && /^\d{4}-\d{2}-\d{2}$/.test(iso) ? `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}` : '';

function rulesOf(source: ServiceSource): Map<string, RuleLike> {
  const out = new Map<string, RuleLike>();
  for (const f of source.files) {
    const rules = (f.content as { rules?: unknown } | null)?.rules;
    if (!Array.isArray(rules)) continue;
    for (const r of rules as RuleLike[]) if (r && typeof r.id === 'string') out.set(r.id, r);
  }
  return out;
}

function scenarioIds(source: ServiceSource): Set<string> {
  const out = new Set<string>();
  for (const f of source.files) {
    const list = (f.content as { scenarios?: unknown } | null)?.scenarios;
    if (Array.isArray(list))
      for (const s of list as { id?: unknown }[]) if (typeof s?.id === 'string') out.add(s.id);
  }
  return out;
}

const titleOf = (r: RuleLike): string =>
  typeof r.title === 'string' ? r.title : (r.title?.vi ?? r.title?.en ?? r.id);

function amountOf(r: RuleLike): string | undefined {
  const p = r.event?.params ?? {};
  if (typeof p.amount === 'number') return dong(p.amount);
  if (typeof p.unitAmount === 'number') return `${dong(p.unitAmount)}/đơn vị`;
  if (typeof p.percent === 'number') return `${p.percent}%`;
  if (typeof p.days === 'number') return `${p.days} ngày ${p.unit === 'calendar' ? '' : 'làm việc'}`.trim();
  return undefined;
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** One line per change; empty when the two versions decide alike and test alike. */
export function describeDiff(from: ServiceSource | null, to: ServiceSource): string[] {
  const before = from ? rulesOf(from) : new Map<string, RuleLike>();
  const after = rulesOf(to);
  const lines: string[] = [];
  for (const [id, r] of after) {
    const old = before.get(id);
    const since = day(r.effective?.from);
    if (!old) {
      const amount = amountOf(r);
      lines.push(`Thêm quy tắc "${titleOf(r)}"${amount ? `: ${amount}` : ''}${since ? ` từ ${since}` : ''}`);
      continue;
    }
    const a = amountOf(old);
    const b = amountOf(r);
    if (a !== b) lines.push(`${titleOf(r)}: ${a ?? '—'} → ${b ?? '—'}${since ? ` từ ${since}` : ''}`);
    else if (!same(old.event, r.event)) lines.push(`${titleOf(r)}: kết quả của quy tắc thay đổi`);
    if (!same(old.conditions, r.conditions)) lines.push(`${titleOf(r)}: điều kiện áp dụng thay đổi`);
    if (!same(old.effective, r.effective)) {
      lines.push(
        `${titleOf(r)}: hiệu lực ${day(old.effective?.from)}–${day(old.effective?.to)} → ${day(r.effective?.from)}–${day(r.effective?.to)}`,
      );
    }
    if (!same(old.basis, r.basis)) lines.push(`${titleOf(r)}: căn cứ pháp lý thay đổi`);
  }
  for (const [id, r] of before) if (!after.has(id)) lines.push(`Bỏ quy tắc "${titleOf(r)}" (${id})`);
  if (from) {
    const was = scenarioIds(from);
    const now = scenarioIds(to);
    const dropped = [...was].filter((s) => !now.has(s));
    const added = [...now].filter((s) => !was.has(s));
    if (added.length) lines.push(`Thêm ${added.length} tình huống kiểm thử: ${added.join(', ')}`);
    if (dropped.length) lines.push(`Bỏ ${dropped.length} tình huống kiểm thử: ${dropped.join(', ')}`);
  }
  return lines;
}
