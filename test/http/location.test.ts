import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startFerry, type TestFerry, TUS } from './harness.js';

const relative = await startFerry();
const configured = await startFerry({ publicUrl: 'https://up.example.com' });

const SPOOFED: Record<string, string>[] = [
  {},
  { Host: 'evil.example' },
  { 'X-Forwarded-Host': 'evil.example', 'X-Forwarded-Proto': 'https' },
  { Forwarded: 'host=evil.example;proto=https' },
];

async function locationOf(test: TestFerry, headers: Record<string, string>): Promise<string> {
  const response = await test
    .http()
    .post('/files/')
    .set({ ...TUS, 'Upload-Length': '1', ...headers });
  assert.equal(response.status, 201);
  return response.headers.location as string;
}

describe('Location of a created upload', () => {
  for (const headers of SPOOFED) {
    const label = Object.keys(headers).join(', ') || 'no extra header';
    it(`is relative by default (${label})`, async () => {
      assert.match(await locationOf(relative, headers), /^\/files\/[0-9a-f]{32}$/);
    });
    it(`comes from publicUrl when set (${label})`, async () => {
      assert.match(await locationOf(configured, headers), /^https:\/\/up\.example\.com\/files\/[0-9a-f]{32}$/);
    });
  }
});
