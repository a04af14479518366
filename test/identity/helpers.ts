import { expect } from 'vitest';
import { FIXTURE_CITIZENS, FIXTURE_IDS } from '../../src/ports/population/fixtures.ts';
import { textOf, type WebchatClient, type WireMessage } from '../support/webchat-client.ts';

export const HOA = FIXTURE_CITIZENS.find((f) => f.role === 'level2Adult')!.citizen;
export const BINH = FIXTURE_CITIZENS.find((f) => f.role === 'level1Adult')!.citizen;
export { FIXTURE_IDS };

/** dd/mm/yyyy as a citizen types it. */
export function typed(isoDate: string): string {
  const [y, m, d] = isoDate.split('-');
  return `${d}/${m}/${y}`;
}

export interface OutboxEntry {
  id: string;
  at: string;
  phone: string;
  phoneMasked: string;
  text: string;
}

/** The newest one-time code the dev outbox holds for a phone, read over HTTP as a newcomer would. */
export async function readCode(baseUrl: string, phone: string): Promise<string> {
  const res = await fetch(`${baseUrl}/api/dev/outbox?phone=${encodeURIComponent(phone)}`);
  expect(res.status).toBe(200);
  const body = (await res.json()) as { messages: OutboxEntry[] };
  const code = /\b(\d{6})\b/.exec(body.messages[0]?.text ?? '')?.[1];
  if (!code) throw new Error(`no code in the dev outbox for ${phone}`);
  return code;
}

/** A code that is certainly not `code`. */
export function wrongCode(code: string): string {
  return String((Number(code) + 1) % 1_000_000).padStart(6, '0');
}

/** Starts a web chat and accepts the consent notice. */
export async function consentedWebchat(client: WebchatClient): Promise<void> {
  await client.start();
  const accepted = await client.press('consent:accept');
  expect(textOf(accepted)).toContain('Cảm ơn anh/chị đã đồng ý');
}

/** Links the web chat to a fixture citizen by ID, date of birth and the SMS code; returns the last answer. */
export async function linkByCode(
  client: WebchatClient,
  baseUrl: string,
  citizen: { id: string; dateOfBirth: string; phone: string | null },
): Promise<WireMessage[]> {
  expect(textOf(await client.say('liên kết VNeID'))).toContain('số định danh cá nhân gồm 12 chữ số');
  expect(textOf(await client.say(citizen.id))).toContain('ngày sinh');
  const sent = textOf(await client.say(typed(citizen.dateOfBirth)));
  expect(sent).toContain('Hoso đã gửi mã xác thực');
  return client.say(await readCode(baseUrl, citizen.phone!));
}
