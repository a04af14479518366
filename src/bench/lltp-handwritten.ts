/**
 * The LLTP rules written by hand in TypeScript: the floor the catalog-driven engine is measured against.
 * Same contract (facts validated with zod, defaults of contracts §3, the same envelope and messages), and
 * the same outcome for every request — a test holds it to the catalog on a large sample.
 */
import { z } from 'zod';
import { BIRTH_PROVINCES } from '../identity/provinces.ts';
import { ageOn, isCalendarDate, todayInVietnam } from '../rules/dates.ts';
import type { Decision } from '../rules/decision.ts';
import { FactError, RulesError } from '../rules/errors.ts';
import type { Lang, ServiceFile } from '../rules/schema.ts';

const IsoDate = z.string().refine(isCalendarDate);
const OLD_PROVINCES = BIRTH_PROVINCES.map((p) => p.name);
const PROVINCES: [string, ...string[]] = ['Huế', ...OLD_PROVINCES];
const FIRST_PILOT = new Set(['Hà Nội', 'Thừa Thiên Huế', 'Huế']);
const Country = z.string().regex(/^[A-Z]{2}$/);

const LltpFacts = z.object({
  on: IsoDate.optional(),
  channel: z.enum(['online', 'in_person', 'post']).optional(),
  onlinePlatform: z.enum(['portal', 'vneid']).optional(),
  requester: z.object({
    identityLevel: z.literal([0, 1, 2]).optional(),
    nationality: Country.optional(),
    dateOfBirth: IsoDate,
  }),
  subject: z
    .object({
      relation: z.enum(['self', 'child', 'parent', 'spouse', 'other']).optional(),
      dateOfBirth: IsoDate.optional(),
      nationality: Country.optional(),
      residedInVietnam: z.boolean().optional(),
      livedInSeveralProvinces: z.boolean().optional(),
      livedAbroad: z.boolean().optional(),
      residenceProvince: z.enum(PROVINCES).optional(),
    })
    .optional(),
  request: z
    .object({
      form: z.literal([1, 2]).optional(),
      copies: z.int().optional(),
      hasAuthorization: z.boolean().optional(),
    })
    .optional(),
  feeCategory: z
    .enum([
      'standard',
      'student',
      'pupil_16',
      'merit',
      'martyr_relative',
      'child',
      'elderly',
      'disabled',
      'poor',
      'near_poor',
      'special_commune',
      'border_or_safe_zone_commune',
      'ethnic_minority_difficult_commune',
    ])
    .optional(),
});

type Messages = ServiceFile['messages'];

export function makeHandwrittenLltp(
  messages: Messages,
  ruleSet: { version: string; hash: string },
): (raw: unknown, lang?: Lang) => Decision {
  const msg = (table: keyof Messages, code: string, lang: Lang) => ({
    code,
    message: messages[table]![code]![lang]!,
  });

  return (raw, lang = 'vi') => {
    const parsed = LltpFacts.safeParse(raw);
    if (!parsed.success) {
      const name = parsed.error.issues[0]!.path.join('.');
      throw new FactError(name, `Fact "${name}" is invalid`);
    }
    const f = parsed.data;
    const on = f.on ?? todayInVietnam();
    if (on < '2017-01-01')
      throw new RulesError('HOSO_ERR_RULES_DATE_OUT_OF_RANGE', `No rules before 2017-01-01 (${on})`);
    const channel = f.channel ?? 'online';
    const vneid = channel === 'online' && (f.onlinePlatform ?? 'portal') === 'vneid';
    const residence = f.subject?.residenceProvince;
    const level = f.requester.identityLevel ?? 0;
    const requesterNationality = f.requester.nationality ?? 'VN';
    const requesterBirth = f.requester.dateOfBirth;
    const relation = f.subject?.relation ?? 'self';
    const subjectBirth = f.subject?.dateOfBirth ?? requesterBirth;
    const foreign = (f.subject?.nationality ?? requesterNationality) !== 'VN';
    const resided = f.subject?.residedInVietnam ?? true;
    const severalProvinces = f.subject?.livedInSeveralProvinces ?? false;
    const abroad = f.subject?.livedAbroad ?? false;
    const form = f.request?.form ?? 1;
    const copies = f.request?.copies ?? 1;
    const hasAuthorization = f.request?.hasAuthorization ?? false;
    const category = f.feeCategory ?? 'standard';
    if (requesterBirth > on)
      throw new FactError('requester.dateOfBirth', 'requester.dateOfBirth is after on');
    if (subjectBirth > on) throw new FactError('subject.dateOfBirth', 'subject.dateOfBirth is after on');
    const requesterAge = ageOn(requesterBirth, on);
    const age = ageOn(subjectBirth, on);
    const online = channel === 'online';
    const paper = !online;
    const since2025Fees = on >= '2025-04-24';
    const amendedLaw = on >= '2026-07-01';
    const relative = relation === 'child' || relation === 'parent' || relation === 'spouse';

    const newlyExempt =
      category === 'near_poor' ||
      category === 'border_or_safe_zone_commune' ||
      category === 'ethnic_minority_difficult_commune';
    const exempt =
      age < 16 ||
      age >= 60 ||
      category === 'disabled' ||
      category === 'poor' ||
      category === 'special_commune' ||
      (since2025Fees && newlyExempt);
    const reduced =
      category === 'student' ||
      category === 'merit' ||
      category === 'martyr_relative' ||
      (since2025Fees && category === 'pupil_16');
    const exemptByCategory =
      age >= 16 &&
      age < 60 &&
      (category === 'disabled' ||
        category === 'poor' ||
        category === 'special_commune' ||
        (since2025Fees && newlyExempt));

    const reasons: Decision['reasons'] = [];
    const deny = (code: string) => reasons.push(msg('reasons', code, lang));
    if (vneid && on < '2024-04-22') deny('vneid_not_available');
    if (vneid && on >= '2024-04-22' && on <= '2024-09-30' && residence && !FIRST_PILOT.has(residence)) {
      deny('vneid_pilot_province');
    }
    if (vneid && on >= '2024-04-22' && on <= '2025-06-30' && ((reduced && !exempt) || exemptByCategory)) {
      deny('fee_proof_not_on_vneid');
    }
    if (online && on >= '2024-04-22') {
      if (level < 2) deny('identity_level_too_low');
      if (
        relation === 'parent' ||
        relation === 'spouse' ||
        relation === 'other' ||
        (relation === 'child' && age >= 14)
      ) {
        deny('proxy_not_allowed_online');
      }
      if (requesterNationality !== 'VN' || foreign) deny('foreigner_online_not_supported');
    }
    if (
      paper &&
      amendedLaw &&
      requesterNationality === 'VN' &&
      !foreign &&
      level >= 2 &&
      relation === 'self'
    ) {
      deny('paper_channel_reserved');
    }
    if (foreign && !resided) deny('foreigner_never_resided');
    if (age < (amendedLaw ? 16 : 14) && relation !== 'child') deny('underage');
    if (relation !== 'self' && requesterAge < 18) deny('proxy_underage');
    if (
      form === 2 &&
      (relation === 'parent' ||
        relation === 'spouse' ||
        relation === 'other' ||
        (relation === 'child' && age >= 18))
    ) {
      deny('form2_proxy_not_allowed');
    }
    if (copies < 1 || copies > 10) deny('copies_out_of_range');

    const documents: Decision['documents'] = [];
    const need = (code: string) => documents.push(msg('documents', code, lang));
    if (paper) need(relation === 'self' ? 'request_form_03' : 'request_form_04');
    if (paper) need('id_copy');
    if (relation === 'other' || (relative && hasAuthorization)) need('authorization_letter');
    if (paper && relative && !hasAuthorization) need('relationship_proof');
    if (foreign) need('residence_card');
    if (reduced && !exempt) need('fee_reduction_proof');
    if (exemptByCategory) need('fee_exemption_proof');
    if (form === 2 && channel === 'post') need('signature_certification');
    if (paper && !foreign && on <= '2021-06-30') need('residence_proof');

    const lines: Decision['fee']['lines'] = [{ code: 'base', amount: 200000 }];
    if (reduced && !exempt) lines.push({ code: 'reduction', amount: -100000 });
    const extra = Math.max(0, copies - 2);
    if (extra > 0) lines.push({ code: 'extra_copies', amount: 5000 * extra });
    if (online && since2025Fees && on <= '2025-12-31' && !exempt) {
      lines.push({ code: 'online_discount', amount: reduced ? -20000 : -30000 });
    }
    let total = 0;
    for (const l of lines) total += l.amount;
    if (exempt) {
      lines.push({ code: 'exemption', amount: -total });
      total = 0;
    }

    const processing: Decision['processing'] = amendedLaw
      ? { days: 5, unit: 'working' }
      : { days: severalProvinces || abroad || foreign ? 15 : 10, unit: 'working' };
    const authority = messages.authorities![on < '2025-03-01' ? 'doj_province' : 'police_province']![lang]!;

    return {
      service: 'lltp',
      ruleSet: { version: ruleSet.version, hash: ruleSet.hash },
      on,
      eligible: reasons.length === 0,
      reasons,
      documents,
      fee: { total, currency: 'VND', lines },
      processing,
      authority,
    };
  };
}
