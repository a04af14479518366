import type { Address } from '../dialogue/message.ts';
import { maskCitizenId } from '../privacy/mask.ts';
import type { IdentityService } from './linking.ts';

/**
 * What the identity module tells a staff member who takes over a conversation (the support module's handoff
 * packet): the linked citizen's name, masked ID number and link level. Shaped as the packet's `who` section;
 * main.ts registers it, so identity does not depend on the support module.
 */
export function identityHandoffContributor(service: IdentityService) {
  return async ({ address }: { address: Address }) => {
    const link = await service.links.accountLink(address);
    if (!link) return undefined;
    const citizen = await service.citizenFor(link.citizenKey);
    return {
      who: {
        ...(citizen ? { name: citizen.fullName, citizenIdMasked: maskCitizenId(citizen.id) } : {}),
        linkLevel: link.level,
      },
    };
  };
}

/** The full ID number for the staff member handling the ticket (the support module audits each reveal). */
export function identityRevealer(service: IdentityService) {
  return async (address: Address): Promise<string | undefined> => {
    const link = await service.links.accountLink(address);
    return link ? service.links.citizenId(link.citizenKey) : undefined;
  };
}
