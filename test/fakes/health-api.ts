import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fictionalHealthBook } from '../../src/ports/health/embedded.ts';
import { HealthScopeSchema, visitChoices } from '../../src/ports/health/schema.ts';
import { cutToScope } from '../../src/ports/health/sharing.ts';

export interface FakeHealthApi {
  baseUrl: string;
  /** Requests seen: method, path and the Authorization header. */
  seen: { path: string; authorization: string | undefined }[];
  /** What the next answers are: the contract's, a 503, a body off the contract, or no answer for a while. */
  mode: 'ok' | 'down' | 'garbage' | 'slow';
  close(): Promise<void>;
}

/**
 * A health-records system speaking src/ports/health/CONTRACT.md over the fictional books. On purpose it does
 * NOT remove extra-sensitive categories, so the test can show Hoso removes them on its side.
 */
export async function startFakeHealthApi(): Promise<FakeHealthApi> {
  const fake = { seen: [], mode: 'ok' } as unknown as FakeHealthApi;
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    fake.seen.push({ path: url.pathname + url.search, authorization: req.headers.authorization });
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (fake.mode === 'down') return json(503, { error: 'maintenance' });
    if (fake.mode === 'garbage') return json(200, { visits: 'not a list' });
    if (fake.mode === 'slow') {
      setTimeout(() => json(503, {}), 2000);
      return;
    }
    const m = url.pathname.match(/^\/api\/health-books\/(\d{12})(\/visits)?$/);
    const book = m ? fictionalHealthBook(m[1]!) : undefined;
    if (!m || !book) return json(404, { error: 'not found' });
    if (m[2])
      return json(200, {
        visits: book.visits.map((v) => ({ ...visitChoices({ ...book, visits: [v] })[0], icd10: v.icd10 })),
      });
    const scope = HealthScopeSchema.safeParse({
      scope: url.searchParams.get('scope') ?? 'all',
      ...(url.searchParams.get('visitId') ? { visitId: url.searchParams.get('visitId') } : {}),
    });
    if (!scope.success) return json(400, { error: 'bad scope' });
    if (scope.data.scope === 'visit' && !book.visits.some((v) => v.id === scope.data.visitId)) {
      return json(200, { ...book, history: { allergies: [], diseases: [], vaccinations: [] }, visits: [] });
    }
    return json(200, cutToScope(book, scope.data));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  fake.baseUrl = `http://127.0.0.1:${port}/api`;
  fake.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return fake;
}
