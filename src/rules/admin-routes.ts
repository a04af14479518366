/**
 * The rules admin API: upload a draft, lint it, run its scenarios, see its impact against the version in
 * force, propose it, publish it behind the gate with four eyes (the key that wrote or proposed a draft never
 * publishes it), roll back, list history and the audit log.
 * Every route needs an API key (`Authorization: Bearer <key>` or `X-Api-Key`) whose role allows it.
 */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { HttpError } from '../http/errors.ts';
import { type ApiKey, type ApiKeyring, allowed, type Permission } from './api-keys.ts';
import { CatalogError, DraftInvalidError, FactError, PublishRefusedError, RulesError } from './errors.ts';
import { type RulesAdmin, summarize } from './publish.ts';
import type { Actor } from './versions.ts';

export const RULES_ADMIN_PREFIX = '/api/admin/rules';

const STATUS: Partial<Record<string, number>> = {
  HOSO_ERR_RULES_UNKNOWN_SERVICE: 404,
  HOSO_ERR_RULES_UNKNOWN_VERSION: 404,
  HOSO_ERR_RULES_VERSION_EXISTS: 409,
  HOSO_ERR_RULES_ALREADY_IN_FORCE: 409,
  HOSO_ERR_RULES_NOTHING_TO_ROLL_BACK: 409,
  HOSO_ERR_RULES_BUSY: 409,
  HOSO_ERR_RULES_WAIVER_FORBIDDEN: 403,
  HOSO_ERR_RULES_FOUR_EYES: 403,
  HOSO_ERR_RULES_NOT_PROPOSED: 409,
  HOSO_ERR_RULES_DRAFT_INVALID: 422,
  HOSO_ERR_RULES_PUBLISH_REFUSED: 422,
  HOSO_ERR_RULES_CATALOG_INVALID: 422,
  HOSO_ERR_RULES_FACT_INVALID: 400,
  HOSO_ERR_RULES_DATE_OUT_OF_RANGE: 400,
  HOSO_ERR_RULES_FEE_NEGATIVE: 422,
};

/** Our coded errors become coded 4xx answers; the details list every finding or failing scenario. */
export function toHttp(err: unknown): unknown {
  if (!(err instanceof RulesError)) return err;
  const details =
    err instanceof PublishRefusedError
      ? { findings: err.findings, failures: err.failures }
      : err instanceof DraftInvalidError || err instanceof CatalogError
        ? { findings: err.findings }
        : err instanceof FactError
          ? { fact: err.fact }
          : undefined;
  return new HttpError(STATUS[err.code] ?? 400, err.code, err.message, details);
}

const Service = z.string().regex(/^[a-z][a-z0-9_]*$/, 'not a service id');
const Version = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'not a version id');

function presentedKey(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice('Bearer '.length).trim();
  const x = request.headers['x-api-key'];
  return typeof x === 'string' ? x : undefined;
}

export interface RulesAdminRoutesOptions {
  admin: RulesAdmin;
  keys: ApiKeyring;
}

export function rulesAdminRoutes(options: RulesAdminRoutesOptions): FastifyPluginAsync {
  const { admin, keys } = options;

  function authenticate(request: FastifyRequest): ApiKey {
    const key = keys.authenticate(presentedKey(request));
    if (!key)
      throw new HttpError(
        401,
        'HOSO_ERR_RULES_UNAUTHORIZED',
        'A valid API key is required (Authorization: Bearer <key>)',
      );
    return key;
  }

  function authorize(request: FastifyRequest, permission: Permission, service?: string): Actor {
    const key = authenticate(request);
    if (!allowed(key, permission, service)) {
      throw new HttpError(
        403,
        'HOSO_ERR_RULES_FORBIDDEN',
        `Key "${key.name}" (${key.role}) may not ${permission}${service ? ` rules of ${service}` : ''}`,
      );
    }
    return { name: key.name, role: key.role };
  }

  async function run<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw toHttp(err);
    }
  }

  async function known(service: string): Promise<void> {
    if (!(await admin.versions.services()).includes(service)) {
      throw new HttpError(404, 'HOSO_ERR_RULES_UNKNOWN_SERVICE', `Unknown service "${service}"`);
    }
  }

  return async (app) => {
    const r = app.withTypeProvider<ZodTypeProvider>();
    const P = RULES_ADMIN_PREFIX;
    const serviceParams = z.object({ service: Service });
    const versionParams = z.object({ service: Service, version: Version });

    r.get(`${P}/services`, async (request) => {
      const key = authenticate(request);
      const ids = (await admin.versions.services()).filter((s) => allowed(key, 'read', s));
      const services = await Promise.all(
        ids.map(async (service) => {
          const current = await admin.versions.current(service);
          const doc = current ? await admin.versions.get(service, current) : null;
          return { service, inForce: doc ? summarize(doc, current) : null };
        }),
      );
      return { services };
    });

    r.get(`${P}/services/:service/versions`, { schema: { params: serviceParams } }, async (request) => {
      const { service } = request.params;
      authorize(request, 'read', service);
      await known(service);
      return { service, versions: await admin.history(service) };
    });

    r.post(
      `${P}/services/:service/versions`,
      { schema: { params: serviceParams, body: z.object({ files: z.record(z.string(), z.unknown()) }) } },
      async (request, reply) => {
        const { service } = request.params;
        const actor = authorize(request, 'write', service);
        const doc = await run(() => admin.upload(service, request.body.files, actor));
        return reply
          .code(201)
          .send({ ...summarize(doc, await admin.versions.current(service)), findings: doc.findings });
      },
    );

    r.get(
      `${P}/services/:service/versions/:version`,
      { schema: { params: versionParams } },
      async (request) => {
        const { service, version } = request.params;
        authorize(request, 'read', service);
        const doc = await run(() => admin.version(service, version));
        const files = Object.fromEntries(
          doc.source.files.map((f) => [f.path.slice(service.length + 1), f.content]),
        );
        return {
          ...summarize(doc, await admin.versions.current(service)),
          findings: doc.findings,
          tests: doc.tests,
          impact: doc.impact,
          files,
        };
      },
    );

    r.post(
      `${P}/services/:service/versions/:version/lint`,
      { schema: { params: versionParams } },
      async (request) => {
        const { service, version } = request.params;
        const actor = authorize(request, 'write', service);
        const findings = await run(() => admin.lint(service, version, actor));
        return { ok: !findings.some((f) => f.severity === 'error'), findings };
      },
    );

    r.post(
      `${P}/services/:service/versions/:version/test`,
      { schema: { params: versionParams } },
      async (request) => {
        const { service, version } = request.params;
        const actor = authorize(request, 'write', service);
        return run(() => admin.test(service, version, actor));
      },
    );

    r.post(
      `${P}/services/:service/versions/:version/impact`,
      {
        schema: {
          params: versionParams,
          body: z.object({ sample: z.int().min(1).max(200_000).optional() }).default({}),
        },
      },
      async (request) => {
        const { service, version } = request.params;
        const actor = authorize(request, 'write', service);
        return run(() => admin.impact(service, version, actor, request.body.sample));
      },
    );

    r.post(
      `${P}/services/:service/versions/:version/propose`,
      { schema: { params: versionParams } },
      async (request) => {
        const { service, version } = request.params;
        const actor = authorize(request, 'write', service);
        const doc = await run(() => admin.propose(service, version, actor));
        return { ...summarize(doc, await admin.versions.current(service)), proposedBy: doc.proposedBy };
      },
    );

    r.post(
      `${P}/services/:service/versions/:version/publish`,
      {
        schema: {
          params: versionParams,
          // No body at all stays valid: publishing now, without waivers, is what most callers do.
          body: z
            .object({
              at: z.iso.datetime({ offset: true }).optional(),
              waive: z.array(z.string().max(128)).max(500).optional(),
            })
            .nullish(),
        },
      },
      async (request) => {
        const { service, version } = request.params;
        const actor = authorize(request, 'publish', service);
        const waive = request.body?.waive ?? [];
        const at = request.body?.at ? new Date(request.body.at) : undefined;
        const result = await run(() =>
          admin.approve(service, version, actor, { waive, ...(at ? { at } : {}) }),
        );
        if (!result.published) return { scheduled: result.scheduled };
        return { ...summarize(result.published, version), impact: result.published.impact };
      },
    );

    r.post(
      `${P}/services/:service/schedule/cancel`,
      { schema: { params: serviceParams } },
      async (request) => {
        const { service } = request.params;
        const actor = authorize(request, 'publish', service);
        await known(service);
        await admin.cancelSchedule(service, actor);
        return { ok: true };
      },
    );

    r.post(
      `${P}/services/:service/rollback`,
      { schema: { params: serviceParams, body: z.object({ version: Version.optional() }).default({}) } },
      async (request) => {
        const { service } = request.params;
        const actor = authorize(request, 'publish', service);
        await known(service);
        const doc = await run(() => admin.rollback(service, actor, request.body.version));
        return summarize(doc, doc.version);
      },
    );

    r.get(
      `${P}/audit`,
      {
        schema: {
          querystring: z.object({
            service: Service.optional(),
            limit: z.coerce.number().int().min(1).max(1000).optional(),
          }),
        },
      },
      async (request) => {
        authorize(request, 'audit');
        return { entries: await admin.versions.auditLog(request.query) };
      },
    );
  };
}
