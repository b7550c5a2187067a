import { defaultOptions, isSupported } from 'tus-js-client';
import { fetchMaxSize, fetchSchemas } from './api.js';
import { setUpDropZone } from './drop-zone.js';
import { element, requireElement } from './element.js';
import { formatBytes } from './format.js';
import { chunkSizeFrom, RETRY_DELAYS } from './page-options.js';
import { adoptFragmentToken } from './session-token.js';
import { setUpTokenField } from './token-field.js';
import { IMPORT_MODES, type ImportMode } from './types.js';
import { createUploadItem } from './upload-item.js';

function main(): void {
  // First of all: the token leaves the address bar before anything else can read or log it.
  adoptFragmentToken();
  setUpTokenField({
    form: requireElement('token-form', HTMLFormElement),
    input: requireElement('token', HTMLInputElement),
    forget: requireElement('forget-token', HTMLButtonElement),
    owner: requireElement('owner', HTMLParagraphElement),
  });
  const input = requireElement('files', HTMLInputElement);
  const zone = requireElement('drop-zone', HTMLDivElement);
  const schemaSelect = requireElement('schema', HTMLSelectElement);
  const modeSelect = requireElement('mode', HTMLSelectElement);
  const limits = requireElement('limits', HTMLParagraphElement);
  const pageStatus = requireElement('page-status', HTMLParagraphElement);
  const uploads = requireElement('uploads', HTMLUListElement);
  const unfinished = requireElement('unfinished', HTMLDivElement);

  if (!isSupported) {
    pageStatus.textContent = 'This browser cannot upload files here: it lacks XMLHttpRequest, Blob or File support.';
    input.disabled = true;
    return;
  }

  const endpoint = new URL('/files/', window.location.href).href;
  const chunkSize = chunkSizeFrom(window.location.search);
  const maxSize = fetchMaxSize(endpoint).catch(() => undefined);
  void maxSize.then((max) => {
    limits.textContent =
      max === undefined
        ? 'Any size. Uploads resume after a dropped connection or a reload.'
        : `Up to ${formatBytes(max)} per file. Uploads resume after a dropped connection or a reload.`;
  });

  fetchSchemas().then(
    (schemas) => {
      for (const schema of schemas) {
        schemaSelect.append(element('option', { value: schema.name }, [schema.title ? `${schema.name}: ${schema.title}` : schema.name]));
      }
    },
    (error: unknown) => {
      pageStatus.textContent = `The import schemas could not be loaded (${(error as Error).message}); files can still be uploaded.`;
    },
  );
  const syncMode = (): void => {
    modeSelect.disabled = schemaSelect.value === '';
  };
  schemaSelect.addEventListener('change', syncMode);
  syncMode();

  void listUnfinished(unfinished);

  setUpDropZone({
    zone,
    input,
    async onFiles(files) {
      const schema = schemaSelect.value === '' ? undefined : schemaSelect.value;
      const mode = IMPORT_MODES.find((value) => value === modeSelect.value) as ImportMode | undefined;
      const limit = await maxSize;
      pageStatus.textContent = `${files.length === 1 ? 'One file' : `${files.length} files`} added${schema === undefined ? '' : `, to be imported as ${schema}`}.`;
      for (const file of files) {
        const item = createUploadItem({ file, endpoint, chunkSize, retryDelays: [...RETRY_DELAYS], maxSize: limit, schema, mode });
        uploads.prepend(item.element);
        void item.start();
      }
    },
  });
}

/** Uploads this browser began and did not finish (tus-js-client keeps them in localStorage). */
async function listUnfinished(container: HTMLElement): Promise<void> {
  const previous = await defaultOptions.urlStorage.findAllUploads().catch(() => []);
  if (previous.length === 0) return;
  container.hidden = false;
  container.replaceChildren(
    element('p', {}, ['Unfinished uploads from an earlier visit. Pick the same file again to continue where it stopped:']),
    element(
      'ul',
      {},
      previous.map((upload) =>
        element('li', {}, [`${upload.metadata.filename ?? 'a file'} (${upload.size === null ? 'size unknown' : formatBytes(upload.size)})`]),
      ),
    ),
  );
}

main();
