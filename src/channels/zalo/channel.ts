import type { FastifyPluginAsync } from 'fastify';
import type { ConversationHandler } from '../../conversation/handle-inbound.ts';
import type { ChannelSender } from '../../conversation/notifier.ts';
import type { TurnLogger } from '../../dialogue/context.ts';
import { type Outbound, OutboundSchema } from '../../dialogue/message.ts';
import type { BlobStore } from '../../files/types.ts';
import type { Lang, Translator } from '../../i18n.ts';
import type { JobQueue } from '../../jobs/types.ts';
import type { KeyValueStore } from '../../store/types.ts';
import { createZaloApi, type ZaloApi, ZaloOutsideWindowError } from './api.ts';
import { eventId, eventToInbound, eventUserId, type ZaloEvent, ZaloEventSchema } from './events.ts';
import { sendToZalo } from './send.ts';
import { verifyZaloSignature } from './signature.ts';
import { ZaloTokens } from './tokens.ts';

export const ZALO_WEBHOOK_PATH = '/zalo/webhook';
export const ZALO_EVENT_JOB = 'zalo.event';
/** Zalo wants an answer within about 2 s; a delivery is far smaller than this, a flood is refused unread. */
const WEBHOOK_BODY_LIMIT = 256 * 1024;
/** How long a delivery's id is remembered to act once on a redelivery. */
const SEEN_TTL_MS = 7 * 24 * 60 * 60 * 1000;

export interface ZaloChannelOptions {
  appId: string;
  appSecret: string;
  oaSecretKey: string;
  refreshToken: string;
  apiRoot: string;
  oauthRoot: string;
  znsRoot: string;
  /** A ZNS template with one `message` parameter, for results that fall outside the interaction window. */
  znsTemplateId?: string;
  /** How long after the follower's last message the OA may message them freely. */
  windowMs: number;
  /** How far a delivery's timestamp may be from our clock. */
  toleranceMs: number;
  handle: ConversationHandler;
  jobs: JobQueue;
  files: BlobStore;
  translator: Translator;
  log: TurnLogger;
  /** Durable: tokens, held messages, last-message times. */
  records: KeyValueStore;
  /** Short-lived: the refresh lock, delivery dedupe, events not yet handled. */
  store: KeyValueStore;
  seal: (plain: string, context: string) => string;
  open: (sealed: string, context: string) => string;
  now?: () => number;
  /** Told when a webhook call is refused (`malformed`, `signature`, `stale`, `app_id`), for the metrics. */
  onRefused?: (reason: string) => void;
}

export interface ZaloWindow {
  inside: boolean;
  /** When the follower last wrote (ms since epoch), if ever. */
  lastMessageAt?: number;
  /** Messages waiting for the follower to write again. */
  held: number;
}

export interface ZaloChannel {
  sender: ChannelSender;
  webhookRoutes: FastifyPluginAsync;
  tokens: ZaloTokens;
  api: ZaloApi;
  /** Whether the OA may message this follower freely now (the staff console shows it). */
  window(userId: string): Promise<ZaloWindow>;
  /** Registers the job worker (the events themselves wait in the job queue). */
  start(): Promise<void>;
  fetchFile(ref: string): Promise<{ bytes: Uint8Array }>;
  /** What Hoso keeps for a follower besides the conversation (a data export). */
  exportFollower(userId: string): Promise<Record<string, unknown> | null>;
  /** Forgets a follower: the last-message time, held messages, the phone kept for ZNS. */
  eraseFollower(userId: string): Promise<void>;
}

const pendingKey = (id: string) => `zalo:pending:${id}`;
const seenKey = (id: string) => `zalo:seen:${id}`;
const lastInKey = (userId: string) => `zalo:last-in:${userId}`;
const heldKey = (userId: string) => `zalo:held:${userId}`;
const phoneKey = (userId: string) => `zalo:phone:${userId}`;

/** The Zalo Official Account: signed webhook in, OA Open API v3 out. */
export function createZaloChannel(options: ZaloChannelOptions): ZaloChannel {
  const now = options.now ?? Date.now;
  const { records, log } = options;
  const tokens = new ZaloTokens({
    appId: options.appId,
    appSecret: options.appSecret,
    initialRefreshToken: options.refreshToken,
    oauthRoot: options.oauthRoot,
    records,
    locks: options.store,
    seal: options.seal,
    open: options.open,
    log,
    now,
  });
  const api = createZaloApi(options.apiRoot, tokens);
  const zns = createZaloApi(options.znsRoot, tokens);
  const moreLabel = (lang: Lang) => options.translator.t(lang)('zalo.more');

  async function window(userId: string): Promise<ZaloWindow> {
    const last = Number((await records.get(lastInKey(userId))) ?? Number.NaN);
    const held = await records.llen(heldKey(userId));
    if (!Number.isFinite(last)) return { inside: false, held };
    return { inside: now() - last < options.windowMs, lastMessageAt: last, held };
  }

  async function hold(userId: string, messages: Outbound[]): Promise<void> {
    if (messages.length === 0) return;
    const key = heldKey(userId);
    await records.rpush(key, ...messages.map((m) => options.seal(JSON.stringify(m), key)));
    log.info({ channel: 'zalo', held: messages.length }, 'zalo follower outside the window: message held');
  }

  /** Outside the window: a ZNS notification where a template and the follower's phone are known, else hold. */
  async function outsideWindow(userId: string, messages: Outbound[]): Promise<void> {
    if (options.znsTemplateId) {
      const sealedPhone = await records.get(phoneKey(userId));
      const text = messages.find((m) => m.type === 'text')?.text;
      if (sealedPhone && text) {
        const phone = options.open(sealedPhone, phoneKey(userId));
        try {
          await zns.post('/message/template', {
            phone,
            template_id: options.znsTemplateId,
            template_data: { message: text.slice(0, 400) },
            tracking_id: `hoso-${now()}`,
          });
        } catch (err) {
          log.warn({ err: String(err) }, 'zalo ZNS notification failed; holding the message');
        }
      }
    }
    // The full answer (buttons, files) still waits for the follower's next message.
    await hold(userId, messages);
  }

  /** Sends in order; from the first message Zalo refuses as outside the window, the rest is held. */
  async function sendOrHold(userId: string, messages: Outbound[], lang: Lang): Promise<void> {
    for (let i = 0; i < messages.length; i++) {
      try {
        await sendToZalo(api, userId, [messages[i]!], options.files, moreLabel(lang));
      } catch (err) {
        if (!(err instanceof ZaloOutsideWindowError)) throw err;
        // Zalo's word outranks our clock: the follower is outside until they write again.
        await records.del(lastInKey(userId));
        await outsideWindow(userId, messages.slice(i));
        return;
      }
    }
  }

  /** Held messages go out after the answer to the follower's next message, under a short notice. */
  async function flushHeld(userId: string, lang: Lang): Promise<void> {
    const key = heldKey(userId);
    const sealed = await records.lrange(key, 0, -1);
    if (sealed.length === 0) return;
    const held: Outbound[] = [];
    for (const s of sealed) {
      const parsed = OutboundSchema.safeParse(JSON.parse(options.open(s, key)));
      if (parsed.success) held.push(parsed.data);
    }
    await sendToZalo(
      api,
      userId,
      [{ type: 'text', text: options.translator.t(lang)('zalo.heldNotice') }, ...held],
      options.files,
      moreLabel(lang),
    );
    for (const s of sealed) await records.lrem(key, s);
  }

  async function processEvent(id: string, sealed: string): Promise<void> {
    const event = ZaloEventSchema.parse(JSON.parse(options.open(sealed, pendingKey(id))));
    const userId = eventUserId(event);
    if (userId && event.event_name !== 'unfollow') {
      // Any message from the follower opens (or reopens) the window.
      await records.set(lastInKey(userId), String(now()));
    }
    if (userId && event.event_name === 'unfollow') await records.del(lastInKey(userId));
    if (userId && event.event_name === 'user_submit_info' && event.info?.phone && options.znsTemplateId) {
      await records.set(phoneKey(userId), options.seal(event.info.phone, phoneKey(userId)));
    }
    const inbound = eventToInbound(event);
    if (inbound && userId) {
      let flushed = false;
      const result = await options.handle(inbound, {
        deliver: async (messages, lang) => {
          await sendOrHold(userId, messages, lang);
          await flushHeld(userId, lang);
          flushed = true;
        },
      });
      // A turn with nothing to say (a person is handling the chat) still gives what was waiting.
      if (!flushed) await flushHeld(userId, result.lang);
    }
    await options.store.del(pendingKey(id));
  }

  const webhookRoutes: FastifyPluginAsync = async (app) => {
    // The signature covers the raw bytes, so this route reads the body as text and parses it itself.
    app.addContentTypeParser(
      ['application/json', 'text/plain'],
      { parseAs: 'string', bodyLimit: WEBHOOK_BODY_LIMIT },
      (_req, body, done) => done(null, body),
    );
    app.post(ZALO_WEBHOOK_PATH, { bodyLimit: WEBHOOK_BODY_LIMIT }, async (req, reply) => {
      const raw = typeof req.body === 'string' ? req.body : '';
      let json: Record<string, unknown>;
      try {
        json = JSON.parse(raw) as Record<string, unknown>;
        if (!json || typeof json !== 'object') throw new Error('not an object');
      } catch {
        options.onRefused?.('malformed');
        return reply.code(400).send({ error: 'HOSO_ERR_BAD_REQUEST' });
      }
      const timestamp = String(json.timestamp ?? '');
      const header = req.headers['x-zevent-signature'];
      const signed = verifyZaloSignature(
        typeof header === 'string' ? header : undefined,
        options.appId,
        raw,
        timestamp,
        options.oaSecretKey,
      );
      const at = Number(timestamp);
      const fresh = Number.isFinite(at) && Math.abs(now() - at) <= options.toleranceMs;
      const otherApp = json.app_id !== undefined && String(json.app_id) !== options.appId;
      if (!signed || !fresh || otherApp) {
        log.warn({ channel: 'zalo', signed, fresh }, 'zalo webhook refused');
        options.onRefused?.(!signed ? 'signature' : !fresh ? 'stale' : 'app_id');
        return reply.code(401).send({ error: 'HOSO_ERR_UNAUTHORIZED' });
      }
      const parsed = ZaloEventSchema.safeParse(json);
      if (!parsed.success) {
        options.onRefused?.('malformed');
        return reply.code(400).send({ error: 'HOSO_ERR_BAD_REQUEST' });
      }
      const event: ZaloEvent = parsed.data;
      const id = eventId(event);
      // Dedupe is short-lived state (Redis); the event itself is recorded in the job (BullMQ keeps it in Redis
      // until a worker has run it), sealed because it carries what the citizen wrote. Then Zalo gets its 200.
      if (!(await options.store.set(seenKey(id), '1', { nx: true, ttlMs: SEEN_TTL_MS }))) {
        return reply.code(200).send({ ok: true, duplicate: true });
      }
      try {
        await options.store.set(pendingKey(id), '1', { ttlMs: SEEN_TTL_MS });
        await options.jobs.enqueue({
          name: ZALO_EVENT_JOB,
          data: { id, event: options.seal(raw, pendingKey(id)) },
          key: `zalo:${id}`,
        });
      } catch (err) {
        // Not recorded: forget the id so Zalo's redelivery is taken.
        await options.store.del(seenKey(id), pendingKey(id)).catch(() => undefined);
        throw err;
      }
      return reply.code(200).send({ ok: true });
    });
  };

  return {
    sender: {
      async send(userId, messages) {
        const w = await window(userId);
        if (!w.inside) return outsideWindow(userId, messages);
        await sendOrHold(userId, messages, 'vi');
      },
    },
    webhookRoutes,
    tokens,
    api,
    window,
    async start() {
      options.jobs.handle(ZALO_EVENT_JOB, async (data) => processEvent(String(data.id), String(data.event)));
    },
    async exportFollower(userId) {
      const w = await window(userId);
      const hasPhone = (await records.get(phoneKey(userId))) !== null;
      if (w.lastMessageAt === undefined && w.held === 0 && !hasPhone) return null;
      return {
        account: { channel: 'zalo', userId },
        lastMessageAt: w.lastMessageAt ? new Date(w.lastMessageAt).toISOString() : null,
        messagesWaiting: w.held,
        phoneKeptForNotifications: hasPhone,
      };
    },
    async eraseFollower(userId) {
      await records.del(lastInKey(userId), heldKey(userId), phoneKey(userId));
    },
    async fetchFile(ref) {
      const res = await fetch(ref, { signal: AbortSignal.timeout(30_000) });
      if (!res.ok) throw new Error(`Zalo file download failed with HTTP ${res.status}`);
      return { bytes: new Uint8Array(await res.arrayBuffer()) };
    },
  };
}
