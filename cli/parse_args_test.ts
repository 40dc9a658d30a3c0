import assert from "node:assert/strict";
import { parseArgs } from "./parse_args.ts";
import { UsageError } from "./command.ts";

const OPTIONS = {
  args: { type: "string" },
  format: { type: "string", short: "f" },
  verbose: { type: "boolean" },
} as const;

Deno.test("parseArgs() takes a negative number as a string option's value", () => {
  assert.equal(parseArgs(["--args", "-1,9"], OPTIONS).values.args, "-1,9");
  assert.equal(parseArgs(["-f", "-2"], OPTIONS).values.format, "-2");
  assert.equal(parseArgs(["--args=-3"], OPTIONS).values.args, "-3");
  // A boolean option is not given a value, and after -- nothing is an option.
  const parsed = parseArgs(["--verbose", "-5", "--", "--args", "-1"], {
    ...OPTIONS,
    verbose: { type: "boolean", short: "5" },
  });
  assert.deepEqual(parsed.rest, ["--args", "-1"]);
});

Deno.test("parseArgs() suggests the option meant by a misspelt one", () => {
  assert.throws(
    () => parseArgs(["--formt", "json"], OPTIONS),
    (e) =>
      e instanceof UsageError && e.message === "unknown option --formt; did you mean --format?",
  );
  assert.throws(
    () => parseArgs(["--zzzzzz"], OPTIONS),
    (e) => e instanceof UsageError && e.message === "unknown option --zzzzzz",
  );
});
