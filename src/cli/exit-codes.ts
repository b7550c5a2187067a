/** Exit codes shared by every ferry command. */
export const EXIT_OK = 0;
/** The work ran but found problems (e.g. bad rows in an import). */
export const EXIT_PROBLEMS = 1;
/** Usage or configuration errors: nothing was done. */
export const EXIT_USAGE = 2;
