/**
 * The three tools, as data: name, description, schemas, annotations and what each does to the
 * hub. Each tool is an adapter: its arguments in, one Hub verb, its words out; the JSON API
 * (src/http/hub_routes.ts) calls the same verbs, so every door behaves alike.
 */
import type { Hub } from "../core/mod.ts";
import { ctrl } from "./ctrl_tool.ts";
import { list } from "./list_tool.ts";
import { output } from "./output_tool.ts";
import type { ToolDefinition } from "./tool.ts";

/** What the tools need of the core: the hub (see src/core/hub.ts). */
export type { Hub };
export type { ToolContext, ToolDefinition, ToolResult } from "./tool.ts";

/** The tool table, in the order agents see it. */
export const TOOLS: readonly ToolDefinition[] = [ctrl, list, output];
