import type { TurnLogger } from '../../dialogue/context.ts';
import { mainMenuButtons } from '../../dialogue/features/menu.ts';
import { type Outbound, text } from '../../dialogue/message.ts';
import type { Translator } from '../../i18n.ts';
import { scrubPersonalData } from '../../privacy/mask.ts';
import type { AuditLog } from '../audit.ts';
import type { HandoffRegistry } from '../packet.ts';
import { RESOLUTION_LABELS, type Resolution, type Ticket, type TicketMessage } from '../ticket.ts';
import type { TicketStore } from '../ticket-store.ts';
import type { StaffRole } from './accounts.ts';

/** Sends to a citizen on their channel outside a turn (the conversation module's Notifier fits). */
export interface CitizenSender {
  send(address: Ticket['address'], messages: Outbound[]): Promise<void>;
}

/** A refusal a staff member can meet: a stable code, an HTTP status and a message in Vietnamese. */
export class SupportError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'SupportError';
  }
}

export interface StaffMember {
  username: string;
  role: StaffRole;
  displayName: string;
}

export interface StaffDeskDeps {
  tickets: TicketStore;
  audit: AuditLog;
  sender: CitizenSender;
  translator: Translator;
  registry: HandoffRegistry;
  log: TurnLogger;
  clock: () => Date;
}

const STATUS_TEXT: Record<Ticket['status'], string> = {
  open: 'đang mở',
  closed: 'đã đóng',
  handed_back: 'đã trả lại cho trợ lý ảo',
  cancelled: 'người dân đã hủy',
};

/**
 * What staff do to tickets, with the rules on who may do what, each action audited and the citizen told
 * on their own channel. The HTTP routes are a thin layer over it.
 */
export function createStaffDesk(deps: StaffDeskDeps) {
  const { tickets, audit, sender, translator, registry, log, clock } = deps;

  async function load(id: string): Promise<Ticket> {
    const ticket = await tickets.get(id);
    if (!ticket)
      throw new SupportError(404, 'HOSO_ERR_TICKET_NOT_FOUND', `Không tìm thấy yêu cầu hỗ trợ ${id}.`);
    return ticket;
  }

  function endedMeanwhile(id: string): SupportError {
    return new SupportError(
      409,
      'HOSO_ERR_TICKET_CLOSED',
      `Yêu cầu ${id} vừa kết thúc; không thể thực hiện thêm.`,
    );
  }

  function mustBeOpen(ticket: Ticket): void {
    if (ticket.status !== 'open') {
      throw new SupportError(
        409,
        'HOSO_ERR_TICKET_CLOSED',
        `Yêu cầu ${ticket.id} đã kết thúc (${STATUS_TEXT[ticket.status]}); không thể thực hiện thêm thao tác này.`,
      );
    }
  }

  /** Replies, closing and handing back belong to the staff member who claimed the ticket. */
  function mustHandle(ticket: Ticket, staff: StaffMember, options: { supervisorMay: boolean }): void {
    if (!ticket.claimedBy) {
      if (options.supervisorMay && staff.role === 'supervisor') return;
      throw new SupportError(
        409,
        'HOSO_ERR_TICKET_NOT_CLAIMED',
        `Anh/chị cần nhận yêu cầu ${ticket.id} trước khi thực hiện thao tác này.`,
      );
    }
    if (ticket.claimedBy === staff.username) return;
    if (options.supervisorMay && staff.role === 'supervisor') return;
    throw new SupportError(
      403,
      'HOSO_ERR_TICKET_NOT_YOURS',
      `Yêu cầu ${ticket.id} do cán bộ ${ticket.claimedBy} phụ trách; chỉ người phụ trách mới được thực hiện thao tác này.`,
    );
  }

  /** Notices about a ticket are best effort: the action stands even if the citizen's channel is down. */
  async function tell(ticket: Ticket, messages: Outbound[]): Promise<void> {
    try {
      await sender.send(ticket.address, messages);
    } catch (err) {
      log.warn(
        { ticket: ticket.id, channel: ticket.address.channel, err: String(err) },
        'citizen not reached',
      );
    }
  }

  async function record(ticket: Ticket, from: TicketMessage['from'], body: string, by?: StaffMember) {
    return tickets.addMessage(ticket.id, {
      from,
      text: body,
      at: clock().toISOString(),
      ...(by ? { by: by.username, name: by.displayName } : {}),
    });
  }

  async function claimNow(staff: StaffMember, id: string): Promise<Ticket> {
    const ticket = await load(id);
    mustBeOpen(ticket);
    const result = await tickets.claim(id, staff.username, clock());
    if (!result.ok && 'ended' in result) {
      throw new SupportError(
        409,
        'HOSO_ERR_TICKET_CLOSED',
        `Yêu cầu ${id} đã kết thúc (${STATUS_TEXT[result.ended]}) trước khi anh/chị nhận.`,
      );
    }
    if (!result.ok) {
      throw new SupportError(
        409,
        'HOSO_ERR_TICKET_ALREADY_CLAIMED',
        `Yêu cầu ${id} đã được cán bộ ${result.by} nhận trước.`,
      );
    }
    if (ticket.claimedBy !== staff.username) {
      await audit.record({ actor: staff.username, role: staff.role, action: 'claim', target: id });
      const t = translator.t(ticket.lang);
      await tell(ticket, [text(t('support:claimed', { name: staff.displayName }))]);
      await record(ticket, 'system', `Cán bộ ${staff.displayName} đã nhận yêu cầu.`, staff);
    }
    return result.ticket;
  }

  async function replyNow(staff: StaffMember, id: string, body: string): Promise<TicketMessage> {
    const ticket = await load(id);
    mustBeOpen(ticket);
    mustHandle(ticket, staff, { supervisorMay: false });
    const t = translator.t(ticket.lang);
    // Personal numbers are masked in what is sent as in what the ticket keeps: a chat channel (and the web
    // chat's replay outbox) is no place for a full ID number, and the citizen knows their own.
    const masked = scrubPersonalData(body);
    try {
      await sender.send(ticket.address, [
        text(t('support:staffReply', { name: staff.displayName, text: masked })),
      ]);
    } catch (err) {
      log.warn(
        { ticket: id, channel: ticket.address.channel, err: String(err) },
        'staff reply not delivered',
      );
      throw new SupportError(
        503,
        'HOSO_ERR_CHANNEL_UNAVAILABLE',
        `Chưa gửi được tin nhắn đến người dân qua kênh ${ticket.address.channel}. Anh/chị vui lòng thử lại sau.`,
      );
    }
    await tickets.markFirstResponse(id, clock());
    const message = await record(ticket, 'staff', masked, staff);
    await audit.record({ actor: staff.username, role: staff.role, action: 'reply', target: id });
    return message;
  }

  return {
    /** Under the ticket's lock, so that the citizen never hears "taken over" after they cancelled. */
    claim(staff: StaffMember, id: string): Promise<Ticket> {
      return tickets.exclusive(id, () => claimNow(staff, id));
    },

    /**
     * Checked and sent while the ticket cannot end: a close (or the citizen's cancel) racing the reply waits
     * for it, or wins and the reply is refused — a citizen never hears from staff after the ticket ended.
     */
    reply(staff: StaffMember, id: string, body: string): Promise<TicketMessage> {
      return tickets.exclusive(id, () => replyNow(staff, id, body));
    },

    async note(staff: StaffMember, id: string, body: string): Promise<TicketMessage> {
      const ticket = await load(id);
      const message = await record(ticket, 'note', scrubPersonalData(body), staff);
      await audit.record({ actor: staff.username, role: staff.role, action: 'note', target: id });
      return message;
    },

    async close(staff: StaffMember, id: string, resolution: Resolution): Promise<Ticket> {
      const ticket = await load(id);
      mustBeOpen(ticket);
      mustHandle(ticket, staff, { supervisorMay: true });
      if (!(await tickets.end(id, { status: 'closed', by: staff.username, at: clock(), resolution }))) {
        throw endedMeanwhile(id);
      }
      await audit.record({
        actor: staff.username,
        role: staff.role,
        action: 'close',
        target: id,
        detail: resolution,
      });
      await record(
        ticket,
        'system',
        `Cán bộ ${staff.displayName} đã đóng yêu cầu: ${RESOLUTION_LABELS[resolution]}.`,
        staff,
      );
      const t = translator.t(ticket.lang);
      await tell(ticket, [
        text(
          t('support:closed', { id }),
          [1, 2, 3, 4, 5].map((n) => ({ label: `${n} ★`, action: `support:rate:${id}:${n}` })),
        ),
      ]);
      return (await tickets.get(id))!;
    },

    async handBack(staff: StaffMember, id: string): Promise<Ticket> {
      const ticket = await load(id);
      mustBeOpen(ticket);
      mustHandle(ticket, staff, { supervisorMay: true });
      if (!(await tickets.end(id, { status: 'handed_back', by: staff.username, at: clock() }))) {
        throw endedMeanwhile(id);
      }
      await audit.record({ actor: staff.username, role: staff.role, action: 'hand_back', target: id });
      await record(
        ticket,
        'system',
        `Cán bộ ${staff.displayName} đã trả cuộc trò chuyện cho trợ lý ảo.`,
        staff,
      );
      const t = translator.t(ticket.lang);
      await tell(ticket, [
        text(t('support:handedBack', { name: staff.displayName }), mainMenuButtons(t, ticket.lang)),
      ]);
      return (await tickets.get(id))!;
    },

    /** The citizen's full ID, from the identity module; only for the handler or a supervisor, always audited. */
    async reveal(staff: StaffMember, id: string): Promise<string> {
      const ticket = await load(id);
      mustHandle(ticket, staff, { supervisorMay: true });
      const citizenId = await registry.reveal(ticket.address);
      if (!citizenId) {
        throw new SupportError(
          404,
          'HOSO_ERR_NOTHING_TO_REVEAL',
          'Người dân chưa liên kết định danh điện tử; không có số định danh để hiển thị.',
        );
      }
      await audit.record({ actor: staff.username, role: staff.role, action: 'reveal', target: id });
      return citizenId;
    },
  };
}

export type StaffDesk = ReturnType<typeof createStaffDesk>;
