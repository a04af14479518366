import { describe, expect, it } from 'vitest';
import { newSession } from '../../src/dialogue/session.ts';
import { maskPhone } from '../../src/privacy/mask.ts';
import { buildHandoffPacket, HandoffRegistry } from '../../src/support/packet.ts';

const now = new Date('2026-11-25T03:00:00Z');

function collectingLog() {
  const warnings: object[] = [];
  return { warnings, log: { info() {}, error() {}, warn: (o: object) => warnings.push(o) } };
}

function input(overrides: Partial<Parameters<typeof buildHandoffPacket>[0]> = {}) {
  const session = newSession('vi', now);
  return {
    session,
    transcript: [{ from: 'citizen' as const, text: 'tôi cần hỏi', at: now.toISOString() }],
    address: { channel: 'telegram' as const, userId: '42' },
    reason: 'asked' as const,
    flow: undefined,
    now,
    ...overrides,
  };
}

describe('handoff packet', () => {
  it('describes who, what they were doing and the transcript from the session alone', async () => {
    const { log } = collectingLog();
    const packet = await buildHandoffPacket(
      input({
        displayName: 'Bình 0912345678',
        flow: {
          id: 'lltp',
          step: 'phone',
          data: { phone: '0912345678', form: 2 },
          startedAt: now.toISOString(),
        },
      }),
      new HandoffRegistry(),
      log,
    );
    expect(packet.who).toEqual({
      channel: 'telegram',
      lang: 'vi',
      displayName: `Bình ${maskPhone('0912345678')}`,
      linkLevel: 0,
    });
    expect(packet.doing).toEqual({
      flow: 'lltp',
      step: 'phone',
      startedAt: now.toISOString(),
      answers: { phone: maskPhone('0912345678'), form: 2 },
    });
    expect(packet.transcript).toEqual([{ from: 'citizen', text: 'tôi cần hỏi', at: now.toISOString() }]);
    expect(packet.decision).toBeUndefined();
  });

  it('leaves out a contribution that breaks the schema or throws, and says so in the log', async () => {
    const registry = new HandoffRegistry();
    registry.register('bad-shape', async () => ({ who: { linkLevel: 7 } }) as never);
    registry.register('throws', async () => {
      throw new Error('down');
    });
    registry.register('good', async () => ({ legalBasis: ['Nghị định 356/2025/NĐ-CP'] }));
    const { log, warnings } = collectingLog();
    const packet = await buildHandoffPacket(input(), registry, log);
    expect(packet.who.linkLevel).toBe(0);
    expect(packet.legalBasis).toEqual(['Nghị định 356/2025/NĐ-CP']);
    expect(warnings.map((w) => (w as { contributor: string }).contributor).sort()).toEqual([
      'bad-shape',
      'throws',
    ]);
  });

  it('never keeps a citizen ID in clear, whatever a contributor sends', async () => {
    const registry = new HandoffRegistry();
    registry.register('identity', async () => ({
      who: { citizenIdMasked: '001203004567' },
      extra: [{ label: 'CCCD người được ủy quyền', value: 'số 036099001122' }],
    }));
    const packet = await buildHandoffPacket(input(), registry, collectingLog().log);
    expect(JSON.stringify(packet)).not.toMatch(/\d{12}/);
    expect(packet.who.citizenIdMasked).toBe('001*******67');
    expect(packet.extra[0]?.value).toBe('số 036*******22');
  });
});
