/** A web chat client speaking the HTTP API of contracts §4, as the page does. */
export class WebchatClient {
  sessionId = '';
  token = '';
  constructor(readonly baseUrl: string) {}

  async start(lang?: 'vi' | 'en') {
    const res = await fetch(`${this.baseUrl}/api/webchat/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(lang ? { lang } : {}),
    });
    const body = (await res.json()) as { sessionId: string; token: string; messages: WireMessage[] };
    this.sessionId = body.sessionId;
    this.token = body.token;
    return body;
  }

  async post(payload: Record<string, unknown>, token = this.token) {
    const res = await fetch(`${this.baseUrl}/api/webchat/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ sessionId: this.sessionId, ...payload }),
    });
    return {
      status: res.status,
      body: (await res.json()) as { messages: WireMessage[]; error?: { code: string; message: string } },
    };
  }

  async say(text: string) {
    return (await this.post({ text })).body.messages;
  }

  async press(action: string) {
    return (await this.post({ action })).body.messages;
  }

  /** Opens the event stream and collects the messages it carries. */
  events(): { messages: WireMessage[]; close: () => void } {
    const messages: WireMessage[] = [];
    const controller = new AbortController();
    void (async () => {
      const res = await fetch(
        `${this.baseUrl}/api/webchat/events?sessionId=${this.sessionId}&token=${encodeURIComponent(this.token)}`,
        { signal: controller.signal },
      );
      const decoder = new TextDecoder();
      let buffer = '';
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let end = buffer.indexOf('\n\n');
        while (end !== -1) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = frame.split('\n').find((l) => l.startsWith('data: '));
          if (data) messages.push(JSON.parse(data.slice(6)));
          end = buffer.indexOf('\n\n');
        }
      }
    })().catch(() => undefined);
    return { messages, close: () => controller.abort() };
  }
}

export type WireMessage =
  | { type: 'text'; text: string; buttons?: { label: string; action: string }[] }
  | { type: 'document'; url: string; filename: string };

export const textOf = (messages: WireMessage[]) =>
  messages.map((m) => (m.type === 'text' ? m.text : m.filename)).join('\n');
