/** Exit codes shared by every ferry command. */
export const EXIT_OK = 0;
/** The work ran but found problems (e.g. bad rows in an import). */
export const EXIT_PROBLEMS = 1;
/** Usage or configuration errors: nothing was done. */
export const EXIT_USAGE = 2;
/**
 * A service the command needs failed or cannot be reached: the import database (ferry import;
 * nothing was committed) or the ferry server (ferry upload; a rerun resumes the upload).
 */
export const EXIT_UNAVAILABLE = 3;
/** Interrupted by SIGINT (128 + 2, as shells report it). */
export const EXIT_INTERRUPTED = 130;
