import { formatSettingsTable } from '../config/load-config.js';

export const USAGE = `ferry: resumable uploads (tus 1.0.0) and CSV imports

usage:
  ferry [serve] [flags]     serve the tus endpoint at /files/ (the default command)
  ferry --help              print this help

Every flag can also be given by its environment variable; flags win.

settings:
${formatSettingsTable()}
`;
