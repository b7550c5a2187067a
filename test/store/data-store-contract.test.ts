import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { describe, type TestContext, test } from 'node:test';
import { FileStore } from '@tus/file-store';
import { type DataStore, Upload } from '@tus/utils';
import { FerryStore } from '../../src/store/index.js';
import { makeTempDir } from '../support/temp-dir.js';

/** A store under test and how to let go of it. */
interface StoreUnderTest {
  store: DataStore;
  close: () => Promise<void>;
}

type MakeStore = (directory: string, options: { expirationMs: number }) => StoreUnderTest;

const HOUR = 60 * 60 * 1000;

/**
 * What @tus/server and its stores promise of a DataStore, as one suite that every store
 * must pass: it proves FerryStore can stand in for the stock FileStore.
 */
function describeDataStoreContract(name: string, makeStore: MakeStore): void {
  describe(`DataStore contract: ${name}`, () => {
    async function open(t: TestContext, expirationMs = 0): Promise<DataStore> {
      const { store, close } = makeStore(await makeTempDir(), { expirationMs });
      t.after(close);
      return store;
    }

    function body(text: string): Readable {
      return Readable.from([Buffer.from(text)]);
    }

    const assertStatus = (status: number) => (error: unknown) => {
      assert.equal((error as { status_code?: unknown }).status_code, status);
      return true;
    };

    test('has the store methods and the creation and termination extensions', async (t) => {
      const store = await open(t);
      for (const method of ['create', 'remove', 'write', 'getUpload', 'declareUploadLength', 'deleteExpired', 'getExpiration']) {
        assert.equal(typeof (store as unknown as Record<string, unknown>)[method], 'function', method);
      }
      for (const extension of ['creation', 'creation-with-upload', 'creation-defer-length', 'termination']) {
        assert.ok(store.hasExtension(extension), extension);
      }
    });

    test('create returns the upload, and getUpload finds it at offset 0', async (t) => {
      const store = await open(t);
      const upload = new Upload({ id: 'contract-create', size: 11, offset: 0, metadata: { filename: 'a.csv', empty: null } });
      const created = await store.create(upload);
      assert.equal(created.id, 'contract-create');
      assert.equal(created.offset, 0);
      assert.equal(created.size, 11);
      assert.equal(created.storage?.type, 'file');
      const found = await store.getUpload('contract-create');
      assert.equal(found.offset, 0);
      assert.equal(found.size, 11);
      assert.deepEqual(found.metadata, { filename: 'a.csv', empty: null });
      assert.equal(found.creation_date, upload.creation_date);
    });

    test('create with a deferred length', async (t) => {
      const store = await open(t);
      await store.create(new Upload({ id: 'contract-deferred', offset: 0 }));
      const found = await store.getUpload('contract-deferred');
      assert.equal(found.sizeIsDeferred, true);
      assert.equal(found.offset, 0);
    });

    test('getUpload of an unknown id rejects with a 404', async (t) => {
      const store = await open(t);
      await assert.rejects(store.getUpload('contract-unknown'), assertStatus(404));
    });

    test('write appends at the offset and returns the new offset', async (t) => {
      const store = await open(t);
      const created = await store.create(new Upload({ id: 'contract-write', size: 11, offset: 0 }));
      assert.equal(await store.write(body('hello'), 'contract-write', 0), 5);
      assert.equal((await store.getUpload('contract-write')).offset, 5);
      assert.equal(await store.write(body(' world'), 'contract-write', 5), 11);
      const found = await store.getUpload('contract-write');
      assert.equal(found.offset, 11);
      assert.equal(await readFile(created.storage?.path ?? '', 'utf8'), 'hello world');
    });

    test('write to an unknown upload rejects', async (t) => {
      const store = await open(t);
      await assert.rejects(store.write(body('data'), 'contract-nowhere', 0));
    });

    test('declareUploadLength makes a deferred length known', async (t) => {
      const store = await open(t);
      await store.create(new Upload({ id: 'contract-declare', offset: 0 }));
      await store.declareUploadLength('contract-declare', 42);
      const found = await store.getUpload('contract-declare');
      assert.equal(found.size, 42);
      assert.equal(found.sizeIsDeferred, false);
    });

    test('remove deletes the upload, then getUpload 404s; removing an unknown one rejects with a 404', async (t) => {
      const store = await open(t);
      await store.create(new Upload({ id: 'contract-remove', size: 4, offset: 0 }));
      await store.write(body('data'), 'contract-remove', 0);
      await store.remove('contract-remove');
      await assert.rejects(store.getUpload('contract-remove'), assertStatus(404));
      await assert.rejects(store.remove('contract-remove'), assertStatus(404));
    });

    test('expiration: getExpiration, and deleteExpired removes an expired unfinished upload only', async (t) => {
      const store = await open(t, HOUR);
      assert.equal(store.getExpiration(), HOUR);
      assert.ok(store.hasExtension('expiration'));
      const longAgo = new Date(Date.now() - 2 * HOUR).toISOString();
      await store.create(new Upload({ id: 'contract-old', size: 10, offset: 0, creation_date: longAgo }));
      await store.write(body('half'), 'contract-old', 0);
      await store.create(new Upload({ id: 'contract-new', size: 10, offset: 0 }));
      assert.equal(await store.deleteExpired(), 1);
      await assert.rejects(store.getUpload('contract-old'), assertStatus(404));
      assert.equal((await store.getUpload('contract-new')).offset, 0);
    });
  });
}

describeDataStoreContract('@tus/file-store FileStore', (directory, { expirationMs }) => ({
  store: new FileStore({ directory, expirationPeriodInMilliseconds: expirationMs }),
  close: async () => undefined,
}));

describeDataStoreContract('FerryStore', (directory, { expirationMs }) => {
  const store = new FerryStore({
    directory,
    expirationMs,
    syncIntervalMs: 1000,
    syncAlways: false,
    queueCapacity: 4,
    coalesceBytes: 64 * 1024,
    idleCloseMs: 60_000,
  });
  return { store, close: () => store.shutdown() };
});
