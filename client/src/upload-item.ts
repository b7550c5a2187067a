import { type DetailedError, type PreviousUpload, Upload } from 'tus-js-client';
import { importIdOf, requestDownloadLink } from './api.js';
import { element, uniqueId } from './element.js';
import { formatBytes, formatSpeed, percentOf } from './format.js';
import { createImportReport, type ImportReport } from './import-report.js';
import { authorizationHeaders } from './session-token.js';
import { createSpeedMeter } from './speed.js';
import type { ImportMode } from './types.js';
import { canResumeAfter, describeRetry, describeUploadError, shouldRetry, tooLargeMessage } from './upload-errors.js';

export interface UploadItemOptions {
  file: File;
  /** Absolute URL of the tus endpoint (part of the fingerprint that finds an earlier upload). */
  endpoint: string;
  /** Bytes per PATCH; Infinity sends the rest of the file in one request. */
  chunkSize: number;
  retryDelays: number[];
  maxSize?: number;
  /** Import the file with this schema once it is uploaded; undefined: no import. */
  schema?: string;
  mode?: ImportMode;
}

/** starting → uploading ⇄ paused; uploading → retrying → uploading; → done or failed (Resume tries again). */
export type UploadState = 'starting' | 'uploading' | 'paused' | 'retrying' | 'done' | 'failed';

export interface UploadItem {
  /** The list item showing this upload. */
  element: HTMLLIElement;
  /** Looks for an earlier upload of the same file (then resumes it) and starts. */
  start(): Promise<void>;
}

/**
 * One file: a tus upload (tus-js-client) and its list item with a progress bar, bytes,
 * percentage and speed, a status line read out by screen readers, and Pause / Resume.
 * An earlier, unfinished upload of the same file (same name, type, size and date, from
 * localStorage) is resumed from the server's offset. With a schema, the import follows.
 */
export function createUploadItem(options: UploadItemOptions): UploadItem {
  const { file } = options;
  const nameId = uniqueId('file');
  const progress = element('progress', { max: Math.max(file.size, 1), value: 0, 'aria-labelledby': nameId });
  const numbers = element('p', { class: 'numbers' });
  const status = element('p', { class: 'status', role: 'status' });
  const pause = element('button', { type: 'button', class: 'pause' }, ['Pause']);
  const resume = element('button', { type: 'button', class: 'resume' }, ['Resume']);
  const links = element('p', { class: 'links', hidden: true });
  const item = element('li', { class: 'upload', 'aria-labelledby': nameId }, [
    element('div', { class: 'upload-head' }, [
      element('span', { class: 'file-name', id: nameId }, [file.name]),
      element('span', { class: 'file-size' }, [formatBytes(file.size)]),
    ]),
    progress,
    numbers,
    status,
    element('div', { class: 'actions' }, [pause, resume]),
    links,
  ]);

  const speed = createSpeedMeter();
  let state: UploadState = 'starting';
  let sent = 0;
  /** After a failure: whether pressing Resume may help (not for a file too large, or a refusal). */
  let worthRetrying = false;
  let importSchema = options.schema;
  let report: ImportReport | undefined;
  const metadata: Record<string, string> = { filename: file.name, filetype: file.type || 'application/octet-stream' };
  if (options.schema !== undefined) {
    metadata.schema = options.schema;
    if (options.mode !== undefined) metadata.mode = options.mode;
  }

  const upload = new Upload(file, {
    endpoint: options.endpoint,
    chunkSize: options.chunkSize,
    retryDelays: options.retryDelays,
    metadata,
    // The session's token on every request (POST, HEAD, PATCH); Resume takes the token of that moment.
    headers: authorizationHeaders(),
    removeFingerprintOnSuccess: true,
    onProgress(bytesSent) {
      if (state === 'paused' || state === 'done') return;
      if (state !== 'uploading') setState('uploading', 'Uploading…');
      showProgress(bytesSent, speed.sample(bytesSent));
    },
    onUploadUrlAvailable() {
      const id = uploadIdOf(upload.url);
      if (id !== undefined) item.dataset.uploadId = id;
    },
    onShouldRetry(error: DetailedError, attempt: number) {
      if (!shouldRetry(error) || state === 'paused') return false;
      const delays = options.retryDelays;
      setState('retrying', describeRetry(error, delays[attempt] ?? 0, attempt + 1, delays.length));
      speed.reset();
      return true;
    },
    onError(error) {
      worthRetrying = canResumeAfter(error);
      setState('failed', describeUploadError(error, { maxSize: options.maxSize }));
      speed.reset();
    },
    onSuccess() {
      showProgress(file.size, undefined);
      setState('done', 'Uploaded.');
      finish();
    },
  });

  function setState(next: UploadState, text: string): void {
    state = next;
    item.dataset.state = next;
    if (status.textContent !== text) status.textContent = text;
    const running = next === 'starting' || next === 'uploading' || next === 'retrying';
    const canResume = next === 'paused' || (next === 'failed' && worthRetrying);
    // The pressed button is about to be disabled: move focus to the one that takes over.
    const focusMoves = (document.activeElement === pause && !running) || (document.activeElement === resume && !canResume);
    pause.disabled = !running;
    resume.disabled = !canResume;
    if (focusMoves) (running ? pause : resume).focus();
    if (next === 'done' || (next === 'failed' && !canResume)) item.querySelector('.actions')?.remove();
  }

  function showProgress(bytes: number, bytesPerSecond: number | undefined): void {
    sent = bytes;
    const percent = percentOf(bytes, file.size);
    progress.value = bytes;
    progress.setAttribute('aria-valuetext', `${percent}%`);
    const parts = [`${formatBytes(bytes)} of ${formatBytes(file.size)}`, `${percent}%`];
    if (bytesPerSecond !== undefined && state === 'uploading') parts.push(formatSpeed(bytesPerSecond));
    numbers.textContent = parts.join(' · ');
  }

  function finish(): void {
    const id = uploadIdOf(upload.url);
    if (id === undefined) return;
    links.hidden = false;
    links.replaceChildren(downloadButton(id, file.name));
    if (importSchema !== undefined && report === undefined) {
      report = createImportReport({ container: item, importId: importIdOf(id), schema: importSchema });
    }
  }

  pause.addEventListener('click', () => {
    setState('paused', `Paused at ${formatBytes(sent)} of ${formatBytes(file.size)}.`);
    speed.reset();
    void upload.abort();
  });
  resume.addEventListener('click', () => {
    setState('uploading', 'Resuming…');
    upload.options.headers = authorizationHeaders();
    upload.start();
  });

  showProgress(0, undefined);
  setState('starting', 'Starting…');

  return {
    element: item,
    async start() {
      if (options.maxSize !== undefined && file.size > options.maxSize) {
        setState('failed', tooLargeMessage(options.maxSize));
        return;
      }
      const previous = latest(await upload.findPreviousUploads().catch(() => []));
      if (previous !== undefined) {
        upload.resumeFromPreviousUpload(previous);
        // The upload was created with the metadata of that time: its schema decides the import.
        importSchema = previous.metadata.schema || undefined;
        setState('starting', 'Resuming an earlier upload of this file…');
      }
      upload.start();
    },
  };
}

/**
 * Download through a signed link (POST /files/<id>/link with the token, then a plain
 * link to it): a link or navigation cannot carry the Authorization header.
 */
function downloadButton(uploadId: string, fileName: string): HTMLElement {
  const button = element('button', { type: 'button', class: 'download' }, ['Download the uploaded file']);
  const problem = element('span', { class: 'problem', role: 'status' });
  button.addEventListener('click', async () => {
    button.disabled = true;
    problem.textContent = '';
    try {
      const link = await requestDownloadLink(uploadId);
      // A same-origin link with `download` saves the file instead of navigating away from the page and its uploads.
      element('a', { href: new URL(link.url, window.location.href).href, download: fileName }).click();
    } catch (error) {
      problem.textContent = `The download could not start: ${(error as Error).message}`;
    } finally {
      button.disabled = false;
    }
  });
  return element('span', {}, [button, ' ', problem]);
}

/** The most recent of the earlier uploads of a file. */
function latest(previous: PreviousUpload[]): PreviousUpload | undefined {
  return [...previous].sort((a, b) => Date.parse(b.creationTime) - Date.parse(a.creationTime))[0];
}

/** The upload id: the last path segment of its URL. */
export function uploadIdOf(url: string | null): string | undefined {
  if (url === null) return undefined;
  const segment = new URL(url, window.location.href).pathname.split('/').filter(Boolean).pop();
  return segment === undefined ? undefined : decodeURIComponent(segment);
}
