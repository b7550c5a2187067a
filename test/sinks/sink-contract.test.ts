import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import type { Schema } from '../../src/csv/types.js';
import { isAppError } from '../../src/errors/app-error.js';
import { postgresHarness, type SinkFixture, type SinkHarness, sqliteHarness } from './harnesses.js';
import { canonicalRows, makeSchema, type Row } from './schemas.js';

/** Writes rows in one transaction and commits. */
async function importRows(fixture: SinkFixture, schema: Schema, rows: Row[]): Promise<{ rows: number }> {
  const transaction = await fixture.sink.begin(schema, randomUUID());
  await transaction.write(rows);
  return transaction.commit();
}

const rejectsWith = (code: string) => (error: unknown) => {
  assert.ok(isAppError(error, code), `expected ${code}, got ${String(error)}`);
  return true;
};

/** Every type once, keyed by id. */
function everyType(table: string): Schema {
  return makeSchema(table, { id: 'integer', label: 'string', kind: 'enum', amount: 'number', active: 'boolean', day: 'date', at: 'datetime' }, ['id']);
}

const TRICKY_STRINGS = [
  '',
  'plain',
  'say "hi", then \'bye\'',
  'back\\slash \\N \\t \\\\ and a \\. line',
  'tab\there',
  'line\nbreak',
  'crlf\r\nend',
  '\\.\n\\.',
  'unicode: été 日本語 🚢 e\u0301',
  ' leading and trailing spaces ',
  'comma, semicolon; pipe |',
];

/** What every sink promises: one suite, run against SQLite and PostgreSQL. */
function describeSinkContract(harness: SinkHarness): void {
  describe(`Sink contract: ${harness.name}`, () => {
    test('creates the table with typed columns and the primary key', async (t) => {
      const fixture = await harness.open(t);
      const schema = everyType(fixture.table);
      assert.deepEqual(await importRows(fixture, schema, []), { rows: 0 });
      const types = await fixture.columnTypes(fixture.table);
      assert.deepEqual(Object.fromEntries(types), Object.fromEntries(schema.columns.map((column) => [column.name, harness.expectedTypes[column.type]])));
    });

    test('reads back exactly what was written', async (t) => {
      const fixture = await harness.open(t);
      const schema = everyType(fixture.table);
      const rows: Row[] = [
        {
          id: 2n ** 63n - 1n,
          label: 'max int64',
          kind: 'a',
          amount: 0.1,
          active: true,
          day: new Date('2024-02-29T00:00:00Z'),
          at: new Date('2024-02-29T23:59:59.123Z'),
        },
        {
          id: -(2n ** 63n),
          label: 'min int64',
          kind: 'b',
          amount: -0.5,
          active: false,
          day: new Date('0001-01-01T00:00:00Z'),
          at: new Date('1970-01-01T00:00:00.000Z'),
        },
        {
          id: 9007199254740993n,
          label: '2^53 + 1',
          kind: '',
          amount: 123456.789,
          active: null,
          day: new Date('9999-12-31T00:00:00Z'),
          at: new Date('9999-12-31T23:59:59.999Z'),
        },
        { id: 0, label: null, kind: null, amount: 1.7976931348623157e308, active: true, day: null, at: null },
        { id: -7, label: '', kind: '', amount: 5e-324, active: false, day: '2023-06-01', at: '2023-06-01T12:30:00+02:00' },
        ...TRICKY_STRINGS.map((label, index) => ({
          id: 100 + index,
          label,
          kind: label,
          amount: -1e-7 * (index + 1),
          active: index % 2 === 0,
          day: null,
          at: null,
        })),
      ];
      assert.deepEqual(await importRows(fixture, schema, rows), { rows: rows.length });
      const expected = canonicalRows(schema, rows).sort((left, right) => (BigInt(left.id as string) < BigInt(right.id as string) ? -1 : 1));
      assert.deepEqual(await fixture.readRows(schema, ['id']), expected);
      const byId = new Map((await fixture.readRows(schema, ['id'])).map((row) => [row.id, row]));
      assert.equal(byId.get('9007199254740993')?.id, '9007199254740993');
      assert.equal(byId.get('0')?.label, null);
      assert.equal(byId.get('-7')?.label, '');
      assert.equal(byId.get('-7')?.at, '2023-06-01T10:30:00.000Z');
    });

    test('rows become visible at commit, not before', async (t) => {
      const fixture = await harness.open(t);
      const schema = makeSchema(fixture.table, { id: 'integer', name: 'string' });
      await importRows(fixture, schema, []);
      const transaction = await fixture.sink.begin(schema, randomUUID());
      await transaction.write([
        { id: 1, name: 'one' },
        { id: 2, name: 'two' },
      ]);
      await transaction.write([{ id: 3, name: 'three' }]);
      assert.deepEqual(await fixture.readRows(schema, ['id']), []);
      assert.deepEqual(await transaction.commit(), { rows: 3 });
      assert.deepEqual(
        (await fixture.readRows(schema, ['id'])).map((row) => row.name),
        ['one', 'two', 'three'],
      );
    });

    for (const keyed of [true, false]) {
      test(`all or nothing: 50 000 rows written in batches, then rolled back, leave the table unchanged (${keyed ? 'with' : 'without'} a primary key)`, async (t) => {
        const fixture = await harness.open(t);
        const schema = makeSchema(fixture.table, { id: 'integer', name: 'string', score: 'number' }, keyed ? ['id'] : []);
        await importRows(
          fixture,
          schema,
          [1, 2, 3].map((id) => ({ id, name: `before ${id}`, score: id / 4 })),
        );
        const before = await fixture.readRows(schema, ['id', 'name']);

        const transaction = await fixture.sink.begin(schema, randomUUID());
        for (let start = 0; start < 50_000; start += 1000) {
          const batch = Array.from({ length: 1000 }, (_, index) => ({ id: start + index, name: `after ${start + index}`, score: index }));
          await transaction.write(batch);
        }
        await transaction.rollback();

        assert.deepEqual(await fixture.readRows(schema, ['id', 'name']), before);
      });
    }

    test('a re-import with the same primary keys updates rows instead of duplicating them', async (t) => {
      const fixture = await harness.open(t);
      const schema = makeSchema(fixture.table, { id: 'integer', name: 'string', price: 'number', active: 'boolean' }, ['id']);
      await importRows(fixture, schema, [
        { id: 1, name: 'tea', price: 2.5, active: true },
        { id: 2, name: 'cofee', price: 3, active: true },
        { id: 3, name: 'milk', price: 1.2, active: false },
      ]);
      const corrected = [
        { id: 1, name: 'tea', price: 2.75, active: true },
        { id: 2, name: 'coffee', price: 3, active: false },
        { id: 3, name: 'milk', price: null, active: false },
      ];
      assert.deepEqual(await importRows(fixture, schema, corrected), { rows: 3 });
      assert.deepEqual(await fixture.readRows(schema, ['id']), canonicalRows(schema, corrected));
    });

    test('a key repeated within one import: the last row wins', async (t) => {
      const fixture = await harness.open(t);
      const schema = makeSchema(fixture.table, { id: 'integer', name: 'string' }, ['id']);
      const transaction = await fixture.sink.begin(schema, randomUUID());
      await transaction.write([
        { id: 1, name: 'first' },
        { id: 2, name: 'only' },
        { id: 1, name: 'second' },
      ]);
      await transaction.write([{ id: 1, name: 'last' }]);
      await transaction.commit();
      assert.deepEqual(await fixture.readRows(schema, ['id']), [
        { id: '1', name: 'last' },
        { id: '2', name: 'only' },
      ]);
    });

    test('a composite primary key', async (t) => {
      const fixture = await harness.open(t);
      const schema = makeSchema(fixture.table, { region: 'string', id: 'integer', stock: 'integer' }, ['region', 'id']);
      await importRows(fixture, schema, [
        { region: 'north', id: 1, stock: 10 },
        { region: 'south', id: 1, stock: 20 },
        { region: 'north', id: 2, stock: 30 },
      ]);
      await importRows(fixture, schema, [
        { region: 'south', id: 1, stock: 21 },
        { region: 'south', id: 2, stock: 40 },
      ]);
      assert.deepEqual(await fixture.readRows(schema, ['region', 'id']), [
        { region: 'north', id: '1', stock: '10' },
        { region: 'north', id: '2', stock: '30' },
        { region: 'south', id: '1', stock: '21' },
        { region: 'south', id: '2', stock: '40' },
      ]);
    });

    test('a schema where every column is in the key: a re-import changes nothing', async (t) => {
      const fixture = await harness.open(t);
      const schema = makeSchema(fixture.table, { a: 'string', b: 'integer' }, ['a', 'b']);
      await importRows(fixture, schema, [{ a: 'x', b: 1 }]);
      await importRows(fixture, schema, [
        { a: 'x', b: 1 },
        { a: 'x', b: 2 },
      ]);
      assert.deepEqual(await fixture.readRows(schema, ['a', 'b']), [
        { a: 'x', b: '1' },
        { a: 'x', b: '2' },
      ]);
    });

    const mismatches: { name: string; columns: Parameters<typeof makeSchema>[1]; primaryKey: string[]; detail: string }[] = [
      { name: 'a column more', columns: { id: 'integer', name: 'string', extra: 'string' }, primaryKey: ['id'], detail: 'missingColumns' },
      { name: 'a column less', columns: { id: 'integer' }, primaryKey: ['id'], detail: 'extraColumns' },
      { name: 'another type', columns: { id: 'integer', name: 'number' }, primaryKey: ['id'], detail: 'changedTypes' },
      { name: 'another primary key', columns: { id: 'integer', name: 'string' }, primaryKey: ['name'], detail: 'primaryKey' },
    ];
    for (const mismatch of mismatches) {
      test(`an existing table with ${mismatch.name} is IMPORT_TABLE_MISMATCH, and the sink stays usable`, async (t) => {
        const fixture = await harness.open(t);
        const original = makeSchema(fixture.table, { id: 'integer', name: 'string' }, ['id']);
        await importRows(fixture, original, [{ id: 1, name: 'kept' }]);
        const changed = makeSchema(fixture.table, mismatch.columns, mismatch.primaryKey);
        await assert.rejects(fixture.sink.begin(changed, randomUUID()), (error: unknown) => {
          assert.ok(isAppError(error, 'IMPORT_TABLE_MISMATCH'), String(error));
          assert.equal(error.status, 409);
          assert.equal(error.details?.table, fixture.table);
          const detail = error.details?.[mismatch.detail];
          assert.ok(Array.isArray(detail) ? detail.length > 0 : detail !== undefined, JSON.stringify(error.details));
          return true;
        });
        await importRows(fixture, original, [{ id: 2, name: 'added' }]);
        assert.equal((await fixture.readRows(original, ['id'])).length, 2);
      });
    }

    const invalidValues: { name: string; row: Row; column: string }[] = [
      { name: 'an integer beyond int64', row: { id: 2n ** 63n, name: 'x' }, column: 'id' },
      { name: 'an empty primary key', row: { id: null, name: 'x' }, column: 'id' },
      { name: 'a NUL character in text', row: { id: 5, name: 'a\0b' }, column: 'name' },
      { name: 'a fractional integer', row: { id: 1.5, name: 'x' }, column: 'id' },
    ];
    for (const invalid of invalidValues) {
      test(`${invalid.name} is IMPORT_VALUE_INVALID and rolls the transaction back`, async (t) => {
        const fixture = await harness.open(t);
        const schema = makeSchema(fixture.table, { id: 'integer', name: 'string' }, ['id']);
        await importRows(fixture, schema, [{ id: 1, name: 'kept' }]);
        const transaction = await fixture.sink.begin(schema, randomUUID());
        await transaction.write([{ id: 1, name: 'changed' }]);
        await assert.rejects(transaction.write([{ id: 2, name: 'good' }, invalid.row]), (error: unknown) => {
          assert.ok(isAppError(error, 'IMPORT_VALUE_INVALID'), String(error));
          assert.equal(error.details?.column, invalid.column);
          return true;
        });
        await assert.rejects(transaction.commit(), rejectsWith('IMPORT_TRANSACTION_CLOSED'));
        await transaction.rollback();
        assert.deepEqual(await fixture.readRows(schema, ['id']), [{ id: '1', name: 'kept' }]);
      });
    }

    test('a finished transaction refuses writes and commits; rollback is then a no-op', async (t) => {
      const fixture = await harness.open(t);
      const schema = makeSchema(fixture.table, { id: 'integer' });
      const transaction = await fixture.sink.begin(schema, randomUUID());
      await transaction.write([{ id: 1 }]);
      await transaction.commit();
      await assert.rejects(transaction.write([{ id: 2 }]), rejectsWith('IMPORT_TRANSACTION_CLOSED'));
      await assert.rejects(transaction.commit(), rejectsWith('IMPORT_TRANSACTION_CLOSED'));
      await transaction.rollback();
      assert.deepEqual(await fixture.readRows(schema, ['id']), [{ id: '1' }]);
    });

    test('two imports into one table take turns: the second begins after the first commits', async (t) => {
      const fixture = await harness.open(t);
      const schema = makeSchema(fixture.table, { id: 'integer', name: 'string' }, ['id']);
      const events: string[] = [];
      const first = await fixture.sink.begin(schema, randomUUID());
      const second = fixture.sink.begin(schema, randomUUID()).then((transaction) => {
        events.push('second began');
        return transaction;
      });
      await first.write([{ id: 1, name: 'first' }]);
      events.push('first commits');
      await first.commit();
      const transaction = await second;
      await transaction.write([{ id: 1, name: 'second' }]);
      await transaction.commit();
      assert.deepEqual(events, ['first commits', 'second began']);
      assert.deepEqual(await fixture.readRows(schema, ['id']), [{ id: '1', name: 'second' }]);
    });

    test('the commit ledger: an import commits its rows once; a second run of it writes nothing', async (t) => {
      const fixture = await harness.open(t);
      const schema = makeSchema(fixture.table, { id: 'integer' });
      const importId = randomUUID();
      assert.equal(await fixture.sink.committedRows(importId), undefined);
      const first = await fixture.sink.begin(schema, importId);
      await first.write([{ id: 1 }, { id: 2 }]);
      assert.equal(await fixture.sink.committedRows(importId), undefined, 'not in the ledger before COMMIT');
      assert.deepEqual(await first.commit(), { rows: 2 });
      assert.equal(await fixture.sink.committedRows(importId), 2);
      const again = await fixture.sink.begin(schema, importId);
      await again.write([{ id: 1 }, { id: 2 }, { id: 3 }]);
      assert.deepEqual(await again.commit(), { rows: 2 }, "the first commit's rows");
      assert.deepEqual(await fixture.readRows(schema, ['id']), [{ id: '1' }, { id: '2' }]);
      assert.equal(await fixture.sink.committedRows(importId), 2);
    });

    test('the commit ledger: a rolled-back import is not in it', async (t) => {
      const fixture = await harness.open(t);
      const importId = randomUUID();
      const transaction = await fixture.sink.begin(makeSchema(fixture.table, { id: 'integer' }), importId);
      await transaction.write([{ id: 1 }]);
      await transaction.rollback();
      assert.equal(await fixture.sink.committedRows(importId), undefined);
    });
  });
}

describeSinkContract(sqliteHarness);
describeSinkContract(postgresHarness);
