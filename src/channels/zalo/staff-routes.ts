import { z } from 'zod';
import { HttpError } from '../../http/errors.ts';
import type { StaffApiExtension } from '../../support/staff/routes.ts';
import { TicketIdSchema } from '../../support/ticket.ts';
import type { TicketStore } from '../../support/ticket-store.ts';
import type { ZaloWindow } from './channel.ts';

/**
 * GET /staff/api/tickets/:id/zalo-window: whether a Zalo citizen can be written to now. Outside the window a
 * staff reply waits for the citizen's next message (or goes as a ZNS notification), so staff should know.
 */
export function zaloStaffRoutes(deps: {
  tickets: Pick<TicketStore, 'get'>;
  window: (userId: string) => Promise<ZaloWindow>;
  windowHours: number;
}): StaffApiExtension {
  return ({ router, guard, who }) => {
    router.get(
      '/staff/api/tickets/:id/zalo-window',
      { onRequest: guard(), schema: { params: z.object({ id: TicketIdSchema }) } },
      async (request) => {
        who(request);
        const ticket = await deps.tickets.get(request.params.id);
        if (ticket?.address.channel !== 'zalo') {
          throw new HttpError(
            404,
            'HOSO_ERR_TICKET_NOT_FOUND',
            `Không tìm thấy yêu cầu Zalo ${request.params.id}.`,
          );
        }
        const w = await deps.window(ticket.address.userId);
        return {
          inside: w.inside,
          lastMessageAt: w.lastMessageAt ? new Date(w.lastMessageAt).toISOString() : null,
          held: w.held,
          windowHours: deps.windowHours,
        };
      },
    );
  };
}
