/**
 * OCI seccomp profiles (Docker, Podman, containerd, Kubernetes): import as a Cordon policy
 * ({@linkcode importOciProfile}, in `oci_import.ts`, from a profile, a runtime `config.json` or a
 * Security Profiles Operator `SeccompProfile`), and export of a compiled layer
 * ({@linkcode exportOciProfile}, in `oci_export.ts`; the runtime spec's `linux.seccomp` and the
 * `SeccompProfile` object in `oci_runtime.ts`).
 *
 * @module
 */

export {
  DOCKER_DEFAULT_CAPS,
  importOciProfile,
  type OciArg,
  type OciEntry,
  type OciImport,
  type OciImportOptions,
  OciProfileError,
  parseOciProfile,
  parseSeccompDocument,
  type ResolvedOciProfile,
  resolveOciProfile,
  SCMP_ARCH_NAMES,
  type SeccompDocument,
  type SeccompDocumentForm,
} from "./oci_import.ts";
export {
  exportOciProfile,
  formatOciProfile,
  type OciExportOptions,
  type OciExportWarning,
  type OciProfile,
  type OciProfileArg,
  type OciProfileSyscall,
} from "./oci_export.ts";
export {
  formatOciRuntimeSeccomp,
  formatSeccompProfileObject,
  type OciRuntimeSeccomp,
  ociRuntimeSeccomp,
  type SeccompProfileObject,
  seccompProfileObject,
  type SeccompProfileOptions,
} from "./oci_runtime.ts";
