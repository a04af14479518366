import { EmbeddedPopulationRegistry } from '../../../src/ports/population/embedded.ts';
import { type FakeServer, json, startFakeServer } from './http-fake.ts';

/**
 * Speaks src/ports/population/CONTRACT.md: GET /citizens/{id} → 200 | 404, GET /citizens/{id}/children →
 * 200 { children } | 404, 401 without the expected bearer token. Data comes from the embedded registry.
 */
export async function startFakePopulationRegistry(
  options: { token?: string; basePath?: string } = {},
): Promise<FakeServer> {
  const registry = new EmbeddedPopulationRegistry();
  const base = options.basePath ?? '';
  return startFakeServer((req, res) => {
    if (options.token && req.headers.authorization !== `Bearer ${options.token}`) {
      return json(res, 401, { error: 'unauthorized' });
    }
    const match = new RegExp(`^${base}/citizens/(\\d{12})(/children)?$`).exec(req.path);
    if (req.method !== 'GET' || !match) return json(res, 400, { error: 'bad request' });
    const [, id, children] = match;
    void (async () => {
      const citizen = await registry.findByCitizenId(id!);
      if (!citizen) return json(res, 404, { error: 'not found' });
      if (children) return json(res, 200, { children: await registry.findChildren(id!) });
      json(res, 200, citizen);
    })();
  });
}
