/**
 * OCI seccomp profiles (Docker, Podman, containerd, Kubernetes): import as a Cordon policy
 * ({@linkcode importOciProfile}, in `oci_import.ts`) and export of a compiled layer
 * ({@linkcode exportOciProfile}, in `oci_export.ts`).
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
  type ResolvedOciProfile,
  resolveOciProfile,
  SCMP_ARCH_NAMES,
} from "./oci_import.ts";
export {
  exportOciProfile,
  formatOciProfile,
  type OciExportOptions,
  type OciProfile,
  type OciProfileArg,
  type OciProfileSyscall,
} from "./oci_export.ts";
