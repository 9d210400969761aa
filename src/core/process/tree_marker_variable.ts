/**
 * The name of the variable that carries a run's tree marker (see tree_marker.ts), alone in its
 * file so that the doors, which only need the name, do not load the `/proc` readers behind the
 * markers (a cold `persistproc list` pays for every module it loads).
 */

/** The variable that carries a run's marker to every descendant. */
export const TREE_MARKER = "PERSISTPROC_TREE";
