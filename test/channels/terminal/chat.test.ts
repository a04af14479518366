import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { App } from '../../../src/main.ts';
import { startTestApp } from '../../support/app.ts';
import { terminalClient } from '../../support/terminal-client.ts';

describe('terminal chat', () => {
  let app: App;
  beforeEach(async () => {
    app = await startTestApp({ memory: true });
  });
  afterEach(async () => {
    await app.close();
  });

  it('greets, shows buttons as numbered choices and accepts a number as a press', async () => {
    const term = terminalClient(app);
    const greeting = await term.waitFor('Không đồng ý');
    expect(greeting).toContain('Hoso: Xin chào anh/chị!');
    expect(greeting).toMatch(/1\) Đồng ý/);
    expect(greeting).toMatch(/2\) Không đồng ý/);
    const accepted = await term.type('1');
    expect(accepted).toContain('Cảm ơn anh/chị đã đồng ý');
    const english = await term.type('English please');
    expect(english).toContain('Switched to English');
    await term.quit();
  });

  it('prints messages pushed later, such as a staff reply', async () => {
    const term = terminalClient(app, 'terminal-push');
    await term.waitFor('Không đồng ý');
    await app.notifier.send({ channel: 'terminal', userId: 'terminal-push' }, [
      { type: 'text', text: 'Cán bộ Hoa: Hồ sơ của anh/chị đã được tiếp nhận.' },
    ]);
    expect(await term.waitFor('Cán bộ Hoa')).toContain(
      'Hoso: Cán bộ Hoa: Hồ sơ của anh/chị đã được tiếp nhận.',
    );
    await term.quit();
  });
});
