import type { Address, Outbound } from '../dialogue/message.ts';

/** Sends messages to one channel's users outside a turn (status changes, staff replies). */
export interface ChannelSender {
  send(userId: string, messages: Outbound[]): Promise<void>;
}

export class UnknownChannelError extends Error {
  readonly code = 'HOSO_ERR_CHANNEL_UNAVAILABLE';
}

/** Knows which sender reaches which channel; channels register themselves at start-up. */
export class Notifier {
  private readonly senders = new Map<string, ChannelSender>();

  register(channel: Address['channel'], sender: ChannelSender): void {
    this.senders.set(channel, sender);
  }

  async send(address: Address, messages: Outbound[]): Promise<void> {
    const sender = this.senders.get(address.channel);
    if (!sender) throw new UnknownChannelError(`no sender for channel ${address.channel} in this process`);
    await sender.send(address.userId, messages);
  }
}
