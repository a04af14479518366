import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Feature, Services, TurnContext } from '../../src/dialogue/context.ts';
import { createDialogueEngine } from '../../src/dialogue/engine.ts';
import { consentFeature } from '../../src/dialogue/features/consent.ts';
import { coreFeature, notYetOpenFeature } from '../../src/dialogue/features/core.ts';
import type { Inbound } from '../../src/dialogue/message.ts';
import { understand } from '../../src/dialogue/nlu/understand.ts';
import type { Session } from '../../src/dialogue/session.ts';
import { createTranslator } from '../../src/i18n.ts';
import { createIdentityFeature, type LinkedIdentity } from '../../src/identity/feature.ts';
import { IdentityService } from '../../src/identity/linking.ts';
import { IdentityLinks } from '../../src/identity/links.ts';
import { OtpService } from '../../src/identity/otp.ts';
import { DEFAULT_LOOKUP_LIMITS, RateLimiter } from '../../src/identity/rate-limit.ts';
import { EmbeddedPopulationRegistry } from '../../src/ports/population/embedded.ts';
import { FIXTURE_IDS } from '../../src/ports/population/fixtures.ts';
import { DevOutbox } from '../../src/ports/sms/dev-outbox.ts';
import { createConsentLog } from '../../src/privacy/consent-log.ts';
import { DataCipher, dataKeyFromBase64 } from '../../src/privacy/crypto.ts';
import { MemoryStore } from '../../src/store/memory.ts';
import { HOA, typed } from './helpers.ts';

const silent = { info() {}, warn() {}, error() {} };

/** The engine with the identity feature and a stand-in health service that needs a fresh link. */
function engineWithIdentity() {
  let clock = new Date('2026-11-25T03:00:00Z');
  const store = new MemoryStore();
  const cipher = new DataCipher(dataKeyFromBase64(randomBytes(32).toString('base64')));
  const outbox = new DevOutbox();
  const hash = (v: string) => cipher.keyedHash(v);
  const service = new IdentityService({
    links: new IdentityLinks(store, cipher, { retentionMs: 365 * 86_400_000 }),
    registry: new EmbeddedPopulationRegistry(),
    sms: outbox,
    otp: new OtpService({ store, hash, now: () => clock.getTime() }),
    limiter: new RateLimiter({ store, hash }),
    lookupLimits: DEFAULT_LOOKUP_LIMITS,
  });
  const identity = createIdentityFeature({ service, cipher, freshLinkMaxAgeMs: 30 * 60_000 });
  let seen: LinkedIdentity | undefined;
  const health: Feature = {
    name: 'health-stand-in',
    intents: {
      health_record: async (ctx: TurnContext) => {
        if (!(await ctx.services.identity!.requireFreshLink(ctx, 'health_data'))) return;
        seen = await ctx.services.identity!.linked(ctx);
        ctx.reply('SỔ SỨC KHỎE MỞ');
      },
    },
  };
  const services: Services = {
    consent: { log: createConsentLog(store), retentionDays: 365 },
    identity: identity.api,
  };
  const engine = createDialogueEngine(
    [coreFeature, notYetOpenFeature, consentFeature, identity.feature, health],
    {
      translator: createTranslator(),
      understand,
      services,
      log: silent,
      defaultLang: 'vi',
      now: () => clock,
    },
  );
  let session: Session | undefined;
  const send = async (input: Partial<Inbound>) => {
    const r = await engine.turn(session, { channel: 'webchat', userId: 'fresh-1', ...input } as Inbound);
    session = r.session;
    return r.messages.map((m) => (m.type === 'text' ? m.text : m.filename)).join('\n');
  };
  return {
    say: (text: string) => send({ text }),
    press: (action: string) => send({ action }),
    code: () => /\b(\d{6})\b/.exec(outbox.list()[0]?.text ?? '')![1]!,
    later: (minutes: number) => {
      clock = new Date(clock.getTime() + minutes * 60_000);
    },
    seen: () => seen,
  };
}

describe('identity for other modules', () => {
  it('links first when a sensitive service is asked for, then resumes it', async () => {
    const chat = engineWithIdentity();
    await chat.say('xin chào');
    await chat.press('consent:accept');
    const first = await chat.say('sổ sức khỏe điện tử');
    expect(first).toContain('anh/chị cần liên kết tài khoản với danh tính của mình trước');
    expect(first).toContain('số định danh cá nhân gồm 12 chữ số');
    await chat.say(HOA.id);
    await chat.say(typed(HOA.dateOfBirth));
    const done = await chat.say(chat.code());
    expect(done).toContain('Liên kết thành công');
    expect(done).toContain('SỔ SỨC KHỎE MỞ');
    expect(chat.seen()).toMatchObject({
      citizen: {
        fullName: 'Trần Thị Hoà',
        dateOfBirth: '1990-05-14',
        nationality: 'VN',
        residenceProvince: 'Hà Nội',
      },
      level: 2,
      method: 'sms',
    });
  });

  it('lets a recent link through and asks a fresh code once the link is older than the limit', async () => {
    const chat = engineWithIdentity();
    await chat.say('xin chào');
    await chat.press('consent:accept');
    await chat.say('liên kết VNeID');
    await chat.say(HOA.id);
    await chat.say(typed(HOA.dateOfBirth));
    await chat.say(chat.code());
    chat.later(20);
    expect(await chat.say('sổ sức khỏe điện tử')).toBe('SỔ SỨC KHỎE MỞ');
    chat.later(11);
    const asked = await chat.say('sổ sức khỏe điện tử');
    expect(asked).toContain('Bước này cần xác nhận lại danh tính vì có liên quan đến dữ liệu sức khỏe');
    expect(asked).toContain('quá 30 phút');
    expect(asked).toContain('tới số 090*****01');
    expect(asked).not.toContain('SỔ SỨC KHỎE MỞ');
    const confirmed = await chat.say(chat.code());
    expect(confirmed).toContain('Đã xác nhận lại danh tính');
    expect(confirmed).toContain('SỔ SỨC KHỎE MỞ');
    // Freshly verified: no code for the next half hour.
    chat.later(5);
    expect(await chat.say('sổ sức khỏe điện tử')).toBe('SỔ SỨC KHỎE MỞ');
  });

  it('gives a parent’s children from the registry', async () => {
    const chat = engineWithIdentity();
    await chat.say('xin chào');
    await chat.press('consent:accept');
    await chat.say('liên kết VNeID');
    await chat.say(FIXTURE_IDS.parentWithChild);
    await chat.say('21/03/1988');
    await chat.say(chat.code());
    await chat.say('sổ sức khỏe điện tử');
    const children = await chat.seen()!.children();
    expect(children.map((c) => c.id)).toEqual([FIXTURE_IDS.childUnder14]);
  });
});
