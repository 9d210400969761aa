/** What the doors use of core/process/; they import it only from here (tasks/check_layers.ts). */
export { findExecutable } from "./executable.ts";
export { escapeControls } from "./label.ts";
export { joinCommand, quoteArg } from "./shell_quote.ts";
export { TREE_MARKER } from "./tree_marker_variable.ts";
