import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import type { ImportRecord } from '../../src/imports/index.js';
import { peopleSchema } from '../imports/harness.js';
import { waitFor } from '../support/tus-requests.js';
import { createUpload, send, sendRest, uploadIdOf } from './support/cluster-client.js';
import { type FerryCluster, startFerryCluster, TEST_DATABASE_URL } from './support/ferry-cluster.js';

const UPLOADS = 50;
const ROWS = 200;
/** One upload is large, so that its import is surely running when its instance is killed. */
const LARGE = 2;
const LARGE_ROWS = 20_000;
const CONCURRENT_CLIENTS = 5;

/** People with ids first … first + rows - 1: every row of every upload has an id of its own. */
function peopleCsv(first: number, rows: number): Buffer {
  const lines = ['id,name,score'];
  for (let id = first; id < first + rows; id += 1) lines.push(`${id},person ${id},${id % 100}`);
  return Buffer.from(`${lines.join('\n')}\n`);
}

/** Issue 11, test 6: automatic imports from a distributed queue, exactly once, surviving a killed worker. */
describe('cluster: imports across three instances', () => {
  /** A schema and table of this run alone: PostgreSQL is shared with every other test. */
  const table = `cluster_imports_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
  const schema = peopleSchema(table, table);
  const database = new pg.Client({ connectionString: TEST_DATABASE_URL });
  let cluster: FerryCluster;
  before(async () => {
    await database.connect();
    cluster = await startFerryCluster({ schemas: [schema] });
  });
  after(async () => {
    await cluster.stopAll();
    await database.query(`DROP TABLE IF EXISTS "${table}"`);
    await database.end();
  });

  it('6. 50 CSV uploads finish across the instances, one instance is SIGKILLed mid-import, every upload is imported exactly once', async () => {
    const files = Array.from({ length: UPLOADS }, (_, index) => {
      const rows = index === LARGE ? LARGE_ROWS : ROWS;
      return { first: index * LARGE_ROWS + 1, rows };
    });
    const urls: string[] = [];

    /** Creation is retried on a connection error: an upload the dead instance created but never got data for is never imported. */
    async function uploadOne(index: number): Promise<void> {
      const content = peopleCsv(files[index].first, files[index].rows);
      let url: string | undefined;
      await waitFor(`upload ${index} to be created`, async () => {
        url = await createUpload(cluster.proxy.url, content.length, { schema: schema.name, filename: `people-${index}.csv` }).catch(() => undefined);
        return url !== undefined;
      });
      urls[index] = url!;
      await sendRest(url!, content, 256 * 1024);
    }
    let next = 0;
    const uploading = Promise.all(
      Array.from({ length: CONCURRENT_CLIENTS }, async () => {
        while (next < UPLOADS) await uploadOne(next++);
      }),
    );

    const largeId = await waitForUrl(() => urls[LARGE]);
    const { instance: victim } = await cluster.waitForLog((entry) => entry.msg === 'import started' && entry.uploadId === largeId, { timeoutMs: 30_000 });
    await victim.kill('SIGKILL');
    const largeImport = `upload-${largeId}`;
    assert.ok(
      !victim.logs.some((entry) => entry.msg === 'import finished' && entry.importId === largeImport),
      'the killed instance was in the middle of the large import',
    );
    await uploading;

    const records = new Map<string, ImportRecord>();
    const pending = new Map<string, string>();
    await waitFor(
      'every import to finish',
      async () => {
        for (const url of urls) {
          const id = `upload-${uploadIdOf(url)}`;
          if (records.has(id)) continue;
          const reply = await send(`${cluster.proxy.url}/imports/${id}`, { method: 'GET' });
          const record = reply.status === 200 ? (JSON.parse(reply.body) as ImportRecord) : undefined;
          if (record?.status === 'succeeded' || record?.status === 'failed') {
            records.set(id, record);
            pending.delete(id);
          } else pending.set(id, record?.status ?? String(reply.status));
        }
        return records.size === UPLOADS;
      },
      60_000,
    ).catch((error: Error) => {
      throw new Error(`${error.message}: ${JSON.stringify([...pending])}`);
    });
    for (const [index, url] of urls.entries()) {
      const record = records.get(`upload-${uploadIdOf(url)}`)!;
      assert.deepEqual([record.status, record.summary.rowsImported], ['succeeded', files[index].rows], JSON.stringify(record));
    }
    const large = records.get(largeImport)!;
    assert.ok(large.attempts >= 2, `the killed import ran again on another instance (attempts: ${large.attempts})`);
    assert.ok(
      cluster.instances.some(
        (instance) => instance !== victim && instance.logs.some((entry) => entry.msg === 'import finished' && entry.importId === largeImport),
      ),
      'another instance finished the large import',
    );
    const expectedRows = files.reduce((sum, file) => sum + file.rows, 0);
    const counted = await database.query<{ rows: string; ids: string }>(`SELECT count(*) AS rows, count(DISTINCT id) AS ids FROM "${table}"`);
    assert.deepEqual([Number(counted.rows[0].rows), Number(counted.rows[0].ids)], [expectedRows, expectedRows]);
  });
});

/** Resolves with the upload id once `urlOf` gives the upload's URL. */
async function waitForUrl(urlOf: () => string | undefined): Promise<string> {
  await waitFor('the large upload to be created', () => urlOf() !== undefined, 30_000);
  return uploadIdOf(urlOf()!);
}
