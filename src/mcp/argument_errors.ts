/**
 * Arguments that fail a tool's schema, said as persistproc says its other errors: the field
 * and what it must be (`label must not be empty`, `lines must be at most 10000`), never the
 * schema library's own wording. The MCP door and the HTTP API both answer with it.
 */

/** One problem the schema found, as zod reports it (a Standard Schema issue with details). */
interface SchemaIssue {
  readonly message: string;
  readonly path?: ReadonlyArray<PropertyKey | { key: PropertyKey }>;
  readonly code?: string;
  readonly expected?: string;
  readonly origin?: string;
  readonly minimum?: number | bigint;
  readonly maximum?: number | bigint;
  readonly inclusive?: boolean;
  readonly values?: readonly unknown[];
  readonly errors?: readonly (readonly SchemaIssue[])[];
  readonly keys?: readonly string[];
}

/** The issues of one call, one sentence each, joined with `; `. */
export function describeIssues(issues: readonly SchemaIssue[], input: unknown): string {
  return issues.map((issue) => describeIssue(issue, input)).join("; ");
}

function describeIssue(issue: SchemaIssue, input: unknown): string {
  const path = (issue.path ?? []).map((part) => String(typeof part === "object" ? part.key : part));
  const field = path.length === 0 ? "the arguments" : path.join(".");
  if (issue.code === "unrecognized_keys") {
    const keys = (issue.keys ?? []).map((key) => `"${key}"`).join(", ");
    return `Unknown parameter${(issue.keys?.length ?? 0) > 1 ? "s" : ""} ${keys}`;
  }
  const rule = mustBe(issue);
  if (rule === null) return `${field} is invalid`;
  // An absent field that must be there: the schema calls it a wrong type or value.
  if (path.length > 0 && valueAt(input, path) === undefined) {
    return `${field} is required${rule.startsWith("must be ") ? `: ${rule.slice(8)}` : ""}`;
  }
  return `${field} ${rule}`;
}

/** What the value must be, as `must ...`; null when the issue is of a kind not known here. */
function mustBe(issue: SchemaIssue): string | null {
  switch (issue.code) {
    case "too_small":
      return issue.origin === "string" && Number(issue.minimum) === 1
        ? "must not be empty"
        : `must be ${bound(issue, "at least", "more than", issue.minimum)}`;
    case "too_big":
      return `must be ${bound(issue, "at most", "less than", issue.maximum)}`;
    case "invalid_type":
      return `must be ${TYPE_NAMES[issue.expected ?? ""] ?? `of type ${issue.expected}`}`;
    case "invalid_value":
      return `must be ${alternatives((issue.values ?? []).map((v) => JSON.stringify(v)))}`;
    case "invalid_union": {
      const rules = (issue.errors ?? []).map((branch) => branch[0] && mustBe(branch[0]));
      if (rules.some((rule) => !rule?.startsWith("must be "))) return null;
      return `must be ${alternatives(rules.map((rule) => rule!.slice(8)))}`;
    }
    default:
      return null;
  }
}

/** `at least 1`, `more than 0`, `at most 1000 characters`: a bound and what it counts. */
function bound(
  issue: SchemaIssue,
  inclusive: string,
  exclusive: string,
  limit: number | bigint | undefined,
): string {
  const unit = issue.origin === "string"
    ? " characters"
    : issue.origin === "array"
    ? " items"
    : issue.origin === "object"
    ? " entries"
    : "";
  return `${issue.inclusive === false ? exclusive : inclusive} ${limit}${unit}`;
}

const TYPE_NAMES: Record<string, string> = {
  string: "a string",
  number: "a number",
  int: "a whole number",
  boolean: "true or false",
  object: "an object",
  array: "an array",
  record: "an object",
};

/** `"a"`, `"a" or "b"`, `"a", "b" or "c"`. */
function alternatives(options: string[]): string {
  return options.length <= 1
    ? options.join("")
    : `${options.slice(0, -1).join(", ")} or ${options.at(-1)}`;
}

function valueAt(input: unknown, path: readonly string[]): unknown {
  let value = input;
  for (const key of path) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/**
 * Arguments that failed the input schema, passed on to the tool call in their stead: the MCP
 * SDK words a failed validation itself ("Input validation error: Invalid arguments for tool
 * ..."), so the door lets it through and answers with this message (see src/mcp/mcp_door.ts).
 */
export class RejectedArguments {
  constructor(readonly message: string) {}
}
