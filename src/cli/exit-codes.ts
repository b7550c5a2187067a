/** Exit codes shared by every ferry command. */
export const EXIT_OK = 0;
/** The work ran but found problems (e.g. bad rows in an import). */
export const EXIT_PROBLEMS = 1;
/** Usage or configuration errors: nothing was done. */
export const EXIT_USAGE = 2;
/** The import database failed or cannot be reached: nothing was committed by this run. */
export const EXIT_DATABASE = 3;
/** Interrupted by SIGINT (128 + 2, as shells report it). */
export const EXIT_INTERRUPTED = 130;
