import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * The raw writer behind ServerResponse's own interim responses (writeContinue,
 * writeProcessing, writeEarlyHints in Node's lib/_http_server.js). It writes to the socket
 * when this response owns it, and otherwise (a pipelined request still waiting its turn)
 * queues the bytes ahead of the final response.
 */
interface RawWritable {
  _writeRaw(data: string, encoding: BufferEncoding): boolean;
}

const FIELD_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/**
 * Sends an interim (1xx) response before the final one. Node 20 has writers for 100, 102
 * and 103 only, so this builds the status line and fields as writeEarlyHints does and
 * hands them to the same raw writer. Nothing is sent (false) once the final response has
 * started, to an HTTP/1.0 client (RFC 9110 15.2: a server MUST NOT send a 1xx response to
 * an HTTP/1.0 client), or when a field would not be a valid header line.
 */
export function sendInterimResponse(
  request: IncomingMessage,
  response: ServerResponse,
  status: number,
  reason: string,
  fields: Record<string, string>,
): boolean {
  if (response.headersSent || response.writableEnded || !(status >= 100 && status <= 199)) return false;
  if (request.httpVersionMajor !== 1 || request.httpVersionMinor < 1) return false;
  let head = `HTTP/1.1 ${status} ${reason}\r\n`;
  for (const [name, value] of Object.entries(fields)) {
    if (!FIELD_NAME.test(name) || !FIELD_VALUE.test(value)) return false;
    head += `${name}: ${value}\r\n`;
  }
  (response as unknown as RawWritable)._writeRaw(`${head}\r\n`, 'latin1');
  return true;
}
