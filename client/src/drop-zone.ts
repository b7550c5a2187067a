export interface DropZoneOptions {
  /** The zone that takes drops; it holds the file input and its label. */
  zone: HTMLElement;
  /** The real `<input type=file multiple>`: keyboard users focus it and press Enter or Space. */
  input: HTMLInputElement;
  onFiles: (files: File[]) => void;
}

/**
 * Files come from the input (picked, or set by a test) or are dropped on the zone. The input
 * is cleared after each pick, so picking the same file again (to resume it) fires again. A
 * drop that misses the zone is ignored instead of opening the file in the tab, which would
 * end every upload on the page.
 */
export function setUpDropZone({ zone, input, onFiles }: DropZoneOptions): void {
  input.addEventListener('change', () => {
    const files = [...(input.files ?? [])];
    input.value = '';
    if (files.length > 0) onFiles(files);
  });

  const carriesFiles = (event: DragEvent): boolean => event.dataTransfer?.types.includes('Files') ?? false;
  zone.addEventListener('dragenter', (event) => {
    if (!carriesFiles(event)) return;
    event.preventDefault();
    zone.classList.add('dragging');
  });
  zone.addEventListener('dragover', (event) => {
    if (!carriesFiles(event)) return;
    event.preventDefault();
    if (event.dataTransfer !== null) event.dataTransfer.dropEffect = 'copy';
  });
  zone.addEventListener('dragleave', (event) => {
    if (!(event.relatedTarget instanceof Node && zone.contains(event.relatedTarget))) zone.classList.remove('dragging');
  });
  zone.addEventListener('drop', (event) => {
    event.preventDefault();
    zone.classList.remove('dragging');
    const files = [...(event.dataTransfer?.files ?? [])];
    if (files.length > 0) onFiles(files);
  });

  for (const type of ['dragover', 'drop'] as const) {
    window.addEventListener(type, (event) => {
      if (zone.contains(event.target as Node | null)) return;
      event.preventDefault();
      if (event.dataTransfer !== null) event.dataTransfer.dropEffect = 'none';
    });
  }
}
