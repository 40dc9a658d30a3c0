import { CAPABILITY_NUMBERS } from "./process_confinement.ts";
import { capabilityNames, capabilityNumber } from "../../policies/constants.ts";

Deno.test("the launcher's capability numbers are the generated ones, every one of them", {
  permissions: "none",
}, () => {
  const generated = capabilityNames();
  const launcher = Object.keys(CAPABILITY_NUMBERS);
  if (launcher.join() !== generated.join()) {
    throw new Error(`names differ: launcher ${launcher.join()} vs generated ${generated.join()}`);
  }
  for (const name of generated) {
    if (CAPABILITY_NUMBERS[name] !== capabilityNumber(name)) {
      throw new Error(`${name}: ${CAPABILITY_NUMBERS[name]} vs ${capabilityNumber(name)}`);
    }
  }
});
