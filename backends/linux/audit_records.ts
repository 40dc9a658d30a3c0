/**
 * Issue 14, part 2: the kernel audit records Landlock writes (ABI 7, Linux 6.15+) read as data.
 * One audit event is several records sharing a serial (`audit(1796238286.479:3): …`): a
 * `LANDLOCK_ACCESS` (1423) record names the denying domain, the blocked rights and the object
 * (`path=`, `name=`, `daddr=`/`dest=`), a `LANDLOCK_DOMAIN` (1424) record says which process
 * created the domain (`status=allocated … pid=P`) or how many denials it had when it went away
 * (`status=deallocated denials=N`), and a `SYSCALL` (1300) record gives the call, its result and
 * the process. Pure (no `Deno.*`).
 *
 * @module
 */

/** `AUDIT_SYSCALL`. */
export const AUDIT_SYSCALL = 1300;
/** `AUDIT_EOE`: the end of a multi-record event. */
export const AUDIT_EOE = 1320;
/** `AUDIT_URINGOP`: an io_uring operation (in place of `SYSCALL`). */
export const AUDIT_URINGOP = 1336;
/** `AUDIT_LANDLOCK_ACCESS`. */
export const AUDIT_LANDLOCK_ACCESS = 1423;
/** `AUDIT_LANDLOCK_DOMAIN`. */
export const AUDIT_LANDLOCK_DOMAIN = 1424;

/** One record: its type, the event's serial and its `key=value` fields (values decoded). */
export interface AuditRecord {
  /** The record type (`AUDIT_*`). */
  readonly type: number;
  /** The event's serial number (records of one event share it). */
  readonly serial: number;
  /** Seconds since the epoch, as the kernel stamped the event. */
  readonly time: number;
  /** The fields, in order; quoted and hex-encoded strings decoded. */
  readonly fields: ReadonlyMap<string, string>;
}

const HEADER = /^audit\((\d+)\.(\d+):(\d+)\):\s?/;
const HEX = /^(?:[0-9A-F]{2})+$/;

/**
 * Decodes one field value as `audit_log_untrustedstring` wrote it: `"text"` as is, and text
 * with spaces, quotes or control characters as unquoted upper-case hexadecimal. Numbers and
 * other bare words come back unchanged; `hexStrings` names the fields that are strings.
 */
function decodeValue(raw: string, isString: boolean): string {
  if (raw.startsWith('"') && raw.endsWith('"') && raw.length >= 2) return raw.slice(1, -1);
  if (isString && HEX.test(raw)) {
    const bytes = new Uint8Array(raw.length / 2);
    for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(raw.slice(2 * i, 2 * i + 2), 16);
    return new TextDecoder().decode(bytes);
  }
  return raw;
}

/** Fields that carry untrusted strings (hex-encoded when they contain unusual characters). */
const STRING_FIELDS = new Set(["path", "name", "comm", "exe", "ocomm", "proctitle"]);

/**
 * Parses one record's text (the netlink payload).
 *
 * @param type the netlink message type
 * @param text the payload, `audit(SEC.MS:SERIAL): key=value …`
 * @returns the record, or `undefined` when the text has no audit header
 *
 * @example
 * ```ts
 * import { parseAuditRecord } from "./audit_records.ts";
 * const r = parseAuditRecord(1423,
 *   'audit(1796238286.479:3): domain=19a6d397a blockers=fs.write_file path="/tmp/x" dev="vda" ino=21');
 * if (r?.serial !== 3 || r.fields.get("path") !== "/tmp/x") throw new Error();
 * const hex = parseAuditRecord(1423, "audit(1.2:4): domain=1 blockers=fs.read_file path=2F746D702F612062");
 * if (hex?.fields.get("path") !== "/tmp/a b") throw new Error(hex?.fields.get("path"));
 * ```
 */
export function parseAuditRecord(type: number, text: string): AuditRecord | undefined {
  const header = HEADER.exec(text);
  if (header === null) return undefined;
  const fields = new Map<string, string>();
  const body = text.slice(header[0].length);
  // key=value, where a value is "quoted" (no quote inside: audit hex-encodes those) or a bare word.
  for (const m of body.matchAll(/([A-Za-z_][\w-]*)=("[^"]*"|\S*)/g)) {
    const key = m[1]!;
    if (!fields.has(key)) fields.set(key, decodeValue(m[2]!, STRING_FIELDS.has(key)));
  }
  return {
    type,
    serial: Number(header[3]),
    time: Number(header[1]) + Number(header[2]) / 1000,
    fields,
  };
}

/** A Landlock denial, assembled from one event's records. */
export interface LandlockAuditDenial {
  /** The denying domain (hexadecimal, as the kernel prints it). */
  readonly domain: string;
  /** The blocked rights: `fs.write_file`, `fs.make_dir`, `net.connect_tcp`, `scope.signal`… */
  readonly blockers: readonly string[];
  /** The object's path (`path=`), or its last component (`name=`) when only that is known. */
  readonly path?: string;
  /** For `net.*`: the address and port. */
  readonly address?: string;
  /** For `net.*`: the port. */
  readonly port?: number;
  /** The process (from the `SYSCALL` record; absent for io_uring operations). */
  readonly pid?: number;
  /** Its command name. */
  readonly comm?: string;
  /** The executable. */
  readonly exe?: string;
  /** The syscall number and audit architecture, when a `SYSCALL` record came with it. */
  readonly syscall?: { readonly nr: number; readonly auditArch: number; readonly exit: number };
  /** The io_uring operation, when the access came from one. */
  readonly uringOp?: number;
  /** When (seconds since the epoch). */
  readonly time: number;
  /** The event's serial. */
  readonly serial: number;
}

/** What one event said about a Landlock domain (`LANDLOCK_DOMAIN` records). */
export interface LandlockDomainRecord {
  /** The domain. */
  readonly domain: string;
  /** `allocated` (with the creating process) or `deallocated` (with its denial count). */
  readonly status: "allocated" | "deallocated";
  /** For `allocated`: the process that called `landlock_restrict_self`. */
  readonly pid?: number;
  /** For `deallocated`: the denials the kernel counted for the domain over its life. */
  readonly denials?: number;
}

/** What {@linkcode assembleEvent} makes of one event. */
export interface AssembledEvent {
  /** Its Landlock denial, if it is one. */
  readonly denial?: LandlockAuditDenial;
  /** Its domain records. */
  readonly domains: readonly LandlockDomainRecord[];
}

function int(text: string | undefined, radix = 10): number | undefined {
  if (text === undefined || text === "") return undefined;
  const n = parseInt(text, radix);
  return Number.isFinite(n) ? n : undefined;
}

/**
 * Makes one event of its records (all with the same serial).
 *
 * @example
 * ```ts
 * import { assembleEvent, parseAuditRecord } from "./audit_records.ts";
 * const records = [
 *   parseAuditRecord(1423, 'audit(1.5:3): domain=19a blockers=fs.write_file path="/tmp/x" dev="vda" ino=2')!,
 *   parseAuditRecord(1424, 'audit(1.5:3): domain=19a status=allocated mode=enforcing pid=70 uid=0')!,
 *   parseAuditRecord(1300, 'audit(1.5:3): arch=c000003e syscall=257 success=no exit=-13 pid=70 comm="sh"')!,
 * ];
 * const e = assembleEvent(records);
 * if (e.denial?.pid !== 70 || e.denial.syscall?.nr !== 257 || e.domains[0]?.pid !== 70) throw new Error();
 * ```
 */
export function assembleEvent(records: readonly AuditRecord[]): AssembledEvent {
  const domains: LandlockDomainRecord[] = [];
  let access: AuditRecord | undefined;
  let syscall: AuditRecord | undefined;
  let uring: AuditRecord | undefined;
  for (const r of records) {
    if (r.type === AUDIT_LANDLOCK_ACCESS) access ??= r;
    else if (r.type === AUDIT_SYSCALL) syscall ??= r;
    else if (r.type === AUDIT_URINGOP) uring ??= r;
    else if (r.type === AUDIT_LANDLOCK_DOMAIN) {
      const domain = r.fields.get("domain");
      const status = r.fields.get("status");
      if (domain === undefined || (status !== "allocated" && status !== "deallocated")) continue;
      const pid = int(r.fields.get("pid"));
      const denials = int(r.fields.get("denials"));
      domains.push({
        domain,
        status,
        ...(pid === undefined ? {} : { pid }),
        ...(denials === undefined ? {} : { denials }),
      });
    }
  }
  if (access === undefined) return { domains };
  const f = access.fields;
  const domain = f.get("domain");
  if (domain === undefined) return { domains };
  const path = f.get("path") ?? f.get("name");
  const address = f.get("daddr") ?? f.get("saddr");
  const port = int(f.get("dest") ?? f.get("src"));
  const pid = int(syscall?.fields.get("pid") ?? uring?.fields.get("pid"));
  const comm = syscall?.fields.get("comm") ?? uring?.fields.get("comm");
  const exe = syscall?.fields.get("exe") ?? uring?.fields.get("exe");
  const nr = int(syscall?.fields.get("syscall"));
  const auditArch = int(syscall?.fields.get("arch"), 16);
  const exit = int(syscall?.fields.get("exit"));
  const uringOp = int(uring?.fields.get("uring_op"));
  return {
    domains,
    denial: {
      domain,
      blockers: (f.get("blockers") ?? "").split(",").filter((b) => b !== ""),
      ...(path === undefined ? {} : { path }),
      ...(address === undefined ? {} : { address }),
      ...(port === undefined ? {} : { port }),
      ...(pid === undefined ? {} : { pid }),
      ...(comm === undefined ? {} : { comm }),
      ...(exe === undefined ? {} : { exe }),
      ...(nr !== undefined && auditArch !== undefined
        ? { syscall: { nr, auditArch, exit: exit ?? 0 } }
        : {}),
      ...(uringOp === undefined ? {} : { uringOp }),
      time: access.time,
      serial: access.serial,
    },
  };
}
