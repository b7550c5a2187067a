import { open } from 'node:fs/promises';
import path from 'node:path';
import { ferryCacheDir } from './cache-dir.js';
import { usageError } from './command-args.js';
import { describeFailure, reportFailure } from './command-failure.js';
import { unreadableMessage } from './csv-file.js';
import { EXIT_INTERRUPTED, EXIT_OK } from './exit-codes.js';
import { checkServerSchema, waitForImport } from './import-wait.js';
import { formatTextReport, type ImportReport } from './report-format.js';
import { createResumeStore, type ResumeStore } from './resume-store.js';
import { type ServerContact, uploadFile } from './upload-file.js';
import { uploadMetadata } from './upload-metadata.js';
import { readUploadOptions, type UploadCommandOptions } from './upload-options.js';
import { createUploadProgress, type UploadProgress } from './upload-progress.js';

/** How many errors and warnings a text report lists, as in ferry import; --json lists every one. */
const TABLE_LIMIT = 20;

interface LocalFile {
  /** As the user named it, for every line printed. */
  name: string;
  path: string;
  size: number;
}

/** What became of one file; --json prints these. */
interface FileResult {
  file: string;
  size: number;
  exitCode: number;
  url?: string;
  import?: ImportReport & { url: string };
  error?: string;
}

interface UploadRun {
  options: UploadCommandOptions;
  /** The schema's table, for the text report. */
  table?: string;
  progress: UploadProgress;
  store: ResumeStore;
  contact: ServerContact;
  signal: AbortSignal;
  warn(message: string): void;
}

/**
 * `ferry upload <file...> [--url U] [--schema S] [...]`: uploads files to a ferry server over
 * tus, resuming what an interrupted run left, then (with --schema) waits for each file's import
 * and prints its report. Exit 0 all good, 1 the server refused a file or rows have errors,
 * 2 usage or config errors, 3 the server cannot be reached or failed, 130 interrupted; with
 * several files, the highest.
 */
export async function uploadCommand(args: readonly string[]): Promise<number> {
  try {
    const options = readUploadOptions(args, process.env);
    const files = await checkFiles(options.files);
    const schema = options.schema === undefined ? undefined : await checkServerSchema(options.endpoint, options.schema, options.token);
    return await uploadFiles(options, files, schema?.table);
  } catch (error) {
    return reportFailure('upload', error);
  }
}

/** Every file exists and is a readable regular file, or a usage error lists every one that is not. */
async function checkFiles(names: readonly string[]): Promise<LocalFile[]> {
  const files: LocalFile[] = [];
  const problems: string[] = [];
  for (const name of names) {
    try {
      const handle = await open(name, 'r');
      try {
        const stats = await handle.stat();
        if (stats.isFile()) files.push({ name, path: path.resolve(name), size: stats.size });
        else problems.push(`cannot read ${name}: not a regular file`);
      } finally {
        await handle.close();
      }
    } catch (error) {
      problems.push(unreadableMessage(name, error));
    }
  }
  if (problems.length > 0) throw usageError(problems.join('; '));
  return files;
}

/**
 * Up to `--parallel` files at once, in the order given. The first Ctrl-C aborts the uploads
 * (the server keeps what it has, the resume state stays) and a second one exits at once.
 */
async function uploadFiles(options: UploadCommandOptions, files: readonly LocalFile[], table: string | undefined): Promise<number> {
  const interrupt = new AbortController();
  const onInterrupt = (): void => {
    if (interrupt.signal.aborted) process.exit(EXIT_INTERRUPTED);
    interrupt.abort();
  };
  process.on('SIGINT', onInterrupt);
  const progress = createUploadProgress({ stream: options.json ? process.stderr : process.stdout, quiet: options.json });
  const warn = (message: string): void => progress.print(`ferry upload: ${message}\n`, process.stderr);
  const run: UploadRun = {
    options,
    table,
    progress,
    store: createResumeStore({ directory: ferryCacheDir(), onWriteFailure: warn }),
    contact: { answered: false },
    signal: interrupt.signal,
    warn,
  };
  const results: (FileResult | undefined)[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < files.length && !interrupt.signal.aborted) {
      const index = next;
      next += 1;
      results[index] = await processFile(run, files[index]);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(options.parallel, files.length) }, worker));
  } finally {
    process.off('SIGINT', onInterrupt);
    progress.close();
    await run.store.settled();
  }
  if (interrupt.signal.aborted) {
    process.stderr.write('ferry: upload interrupted; run the same command again to resume\n');
    return EXIT_INTERRUPTED;
  }
  if (options.json) process.stdout.write(`${JSON.stringify({ uploads: results }, null, 2)}\n`);
  return Math.max(EXIT_OK, ...results.map((result) => result?.exitCode ?? EXIT_OK));
}

/** Uploads one file and, with a schema, waits for its import; undefined when interrupted. */
async function processFile(run: UploadRun, file: LocalFile): Promise<FileResult | undefined> {
  const { options, progress, signal } = run;
  const tracker = progress.track(file.name, file.size);
  const result: FileResult = { file: file.name, size: file.size, exitCode: EXIT_OK };
  try {
    const uploaded = await uploadFile({
      path: file.path,
      endpoint: options.endpoint,
      chunkSize: options.chunkSize,
      token: options.token,
      metadata: uploadMetadata(file.path, options),
      store: run.store,
      contact: run.contact,
      signal,
      onStarted: (offset) => tracker.started(offset),
      onProgress: (bytesSent) => tracker.update(bytesSent),
      onNotice: (message) => run.warn(`${file.name}: ${message}`),
    });
    tracker.done(uploaded.url);
    result.url = uploaded.url;
    if (options.schema === undefined) return result;
    const outcome = await waitForImport({
      endpoint: options.endpoint,
      uploadId: uploaded.uploadId,
      file: file.name,
      entryLimit: options.json ? Infinity : TABLE_LIMIT,
      token: options.token,
      signal,
    });
    if (!options.json) progress.print(`\n${formatTextReport(outcome.report, { table: run.table ?? options.schema, limit: TABLE_LIMIT })}`);
    result.import = { url: outcome.url, ...outcome.report };
    result.exitCode = outcome.exitCode;
    return result;
  } catch (error) {
    if (signal.aborted) {
      // The bar stays as it stopped (progress.close draws it once more).
      if (result.url !== undefined) run.warn(`${file.name}: uploaded (${result.url}); its import goes on on the server`);
      return undefined;
    }
    tracker.stop();
    const failure = describeFailure(error);
    if (failure === undefined) throw error;
    run.warn(`${file.name}: ${failure.message}`);
    return { ...result, exitCode: failure.exitCode, error: failure.message };
  }
}
