import type { FastifyPluginAsync } from 'fastify';
import type { Feature, TurnLogger } from '../dialogue/context.ts';
import type { Translator } from '../i18n.ts';
import type { PersonalDataContributor } from '../privacy/contributors.ts';
import type { KeyValueStore } from '../store/types.ts';
import { type AuditLog, createAuditLog } from './audit.ts';
import { supportFeature, supportGateFeature, turnFailedButtons } from './escalation.ts';
import { createOfficeHours, loadHolidaysFile, type OfficeHours, parseOfficeHours } from './office-hours.ts';
import { HandoffRegistry } from './packet.ts';
import { supportTicketsContributor } from './personal-data.ts';
import type { SupportServices } from './services.ts';
import { createStaffAccounts, type StaffAccounts } from './staff/accounts.ts';
import { createCannedReplies } from './staff/canned.ts';
import type { DeadLetterDesk } from './staff/dead-letters.ts';
import { type CitizenSender, createStaffDesk, type StaffDesk } from './staff/desk.ts';
import { createLoginLimiter } from './staff/login-limiter.ts';
import { type StaffApiExtension, staffRoutes } from './staff/routes.ts';
import { createStaffSessions } from './staff/sessions.ts';
import { createTicketStore, type TicketStore } from './ticket-store.ts';

/** The configuration the support module reads (a subset of the app's Config). */
export interface SupportConfig {
  STAFF_FIRST_RESPONSE_MINUTES: number;
  STAFF_MINUTES_PER_TICKET: number;
  STAFF_OFFICE_HOURS: string;
  STAFF_HOLIDAYS_FILE: string;
  STAFF_SESSION_TTL_SECONDS: number;
  STAFF_LOGIN_LIMIT_PER_IP: number;
  STAFF_LOGIN_LIMIT_PER_USER: number;
  DATA_DIR: string;
  DATA_RETENTION_DAYS: number;
  publicUrl: string;
}

export interface SupportModuleOptions {
  /** Short-lived state: staff sessions and login limits. */
  store: KeyValueStore;
  /** Records: tickets, the audit log, staff accounts, canned replies (defaults to `store`). */
  records?: KeyValueStore;
  /** Reaches citizens on their channel outside a turn (the app's Notifier). */
  sender: CitizenSender;
  translator: Translator;
  log: TurnLogger;
  config: SupportConfig;
  clock?: () => Date;
  /** Use these accounts instead of the store's (tests). */
  accounts?: StaffAccounts;
  /** Jobs that failed every attempt, shown in the console; supervisors may send requests again. */
  deadLetters?: DeadLetterDesk;
}

export interface SupportModule {
  /** Goes into the dialogue's Services as `support`. */
  services: SupportServices;
  /** Registered before the core features: keeps the bot quiet while a person handles the chat. */
  gateFeature: Feature;
  /** Registered after the core features: escalation (`talk_to_staff`, frustration, offers, ratings). */
  feature: Feature;
  /** The staff console and its API. */
  routes: FastifyPluginAsync;
  /** Adds routes to the staff API behind its login, CSRF and role guard (before the HTTP server is built). */
  addStaffRoutes(extension: StaffApiExtension): void;
  /** Support tickets in data-subject export and erasure; main.ts registers it with the privacy registry. */
  personalData: PersonalDataContributor;
  /** The conversation handler's `failureButtons`: a turn that fails offers a person. */
  turnFailedButtons: typeof turnFailedButtons;
  /** Other modules register their handoff contributors and the ID revealer here. */
  registry: HandoffRegistry;
  /** Staff actions; the extracts module records `revoke` through `audit.record()`. */
  audit: AuditLog;
  accounts: StaffAccounts;
  tickets: TicketStore;
  desk: StaffDesk;
  hours: OfficeHours;
}

const LOGIN_WINDOW_MS = 15 * 60 * 1000;

/** Escalation to a person, the handoff packet, the staff console and the audit log, wired together. */
export function createSupportModule(options: SupportModuleOptions): SupportModule {
  const { store, config, translator, log } = options;
  const records = options.records ?? store;
  const clock = options.clock ?? (() => new Date());
  const holidays = loadHolidaysFile(config.STAFF_HOLIDAYS_FILE);
  const hours = createOfficeHours(parseOfficeHours(config.STAFF_OFFICE_HOURS), holidays.holidays, {
    ...(holidays.coversThrough ? { coversThrough: holidays.coversThrough } : {}),
    // Once per process: from then on citizens are told that holidays after this date are not known.
    onBeyondData: (coversThrough, day) =>
      log.warn(
        { file: config.STAFF_HOLIDAYS_FILE, coversThrough, day },
        `the holidays file ends on ${coversThrough}: public holidays after it are unknown, so staff hours ignore them. Extend STAFF_HOLIDAYS_FILE.`,
      ),
  });
  if (!hours.coversThrough()) {
    log.warn({ file: config.STAFF_HOLIDAYS_FILE }, 'the holidays file lists no public holiday at all');
  }
  // Already past the data at start-up: say so now rather than at the first citizen's question.
  hours.beyondData(clock());
  const retentionMs = config.DATA_RETENTION_DAYS * 24 * 60 * 60 * 1000;
  const tickets = createTicketStore(records, { retentionMs });
  const registry = new HandoffRegistry();
  const audit = createAuditLog(records, clock);
  const accounts = options.accounts ?? createStaffAccounts(records, config.DATA_DIR);
  const desk = createStaffDesk({ tickets, audit, sender: options.sender, translator, registry, log, clock });
  const extensions: StaffApiExtension[] = [];
  const routes = staffRoutes({
    extensions,
    accounts,
    sessions: createStaffSessions(store, { ttlMs: config.STAFF_SESSION_TTL_SECONDS * 1000 }),
    limiter: createLoginLimiter(store, {
      perIp: config.STAFF_LOGIN_LIMIT_PER_IP,
      perUser: config.STAFF_LOGIN_LIMIT_PER_USER,
      windowMs: LOGIN_WINDOW_MS,
    }),
    tickets,
    desk,
    audit,
    canned: createCannedReplies(records),
    registry,
    hours,
    firstResponseMinutes: config.STAFF_FIRST_RESPONSE_MINUTES,
    secureCookies: config.publicUrl.startsWith('https:'),
    clock,
    ...(options.deadLetters ? { deadLetters: options.deadLetters } : {}),
  });
  return {
    services: { tickets, registry, hours, minutesPerTicket: config.STAFF_MINUTES_PER_TICKET },
    gateFeature: supportGateFeature,
    feature: supportFeature,
    routes,
    addStaffRoutes: (extension) => void extensions.push(extension),
    personalData: supportTicketsContributor({ tickets, retentionMs }),
    turnFailedButtons,
    registry,
    audit,
    accounts,
    tickets,
    desk,
    hours,
  };
}
