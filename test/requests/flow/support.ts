import { expect } from 'vitest';
import { consentedWebchat, linkByCode } from '../../identity/helpers.ts';
import { textOf, WebchatClient, type WireMessage } from '../../support/webchat-client.ts';

export type Said = WireMessage[];

/** A web chat that has accepted the notice and is linked to a fixture citizen. */
export async function linkedClient(
  baseUrl: string,
  citizen: { id: string; dateOfBirth: string; phone: string | null },
): Promise<WebchatClient> {
  const client = new WebchatClient(baseUrl);
  await consentedWebchat(client);
  expect(textOf(await linkByCode(client, baseUrl, citizen))).toContain('liên kết');
  return client;
}

export function buttonsOf(said: Said): { label: string; action: string }[] {
  return said.flatMap((m) => (m.type === 'text' ? (m.buttons ?? []) : []));
}

/** Presses the button with this label, as a citizen taps it. */
export async function tap(client: WebchatClient, said: Said, label: string): Promise<Said> {
  const button = buttonsOf(said).find((b) => b.label === label);
  if (!button)
    throw new Error(
      `no button “${label}” in: ${buttonsOf(said)
        .map((b) => b.label)
        .join(' | ')}`,
    );
  return client.press(button.action);
}

export { textOf };
