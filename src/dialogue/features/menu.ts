import type { TFunction } from 'i18next';
import type { Button } from '../message.ts';

/** The main menu, shown on greeting, after cancel and when the bot did not understand. */
export function mainMenuButtons(t: TFunction, lang: 'vi' | 'en'): Button[] {
  return [
    { label: t('menu.criminalRecord'), action: 'intent:criminal_record' },
    { label: t('menu.healthRecord'), action: 'intent:health_record' },
    { label: t('menu.requestStatus'), action: 'intent:request_status' },
    { label: t('menu.linkIdentity'), action: 'intent:link_identity' },
    { label: t('menu.fees'), action: 'intent:fees_info' },
    { label: t('menu.staff'), action: 'intent:talk_to_staff' },
    { label: t('menu.language'), action: lang === 'vi' ? 'lang:en' : 'lang:vi' },
  ];
}
