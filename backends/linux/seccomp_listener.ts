/**
 * Issue 14, `cordon run --explain`: the FFI the seccomp listener needs, kept free of the compiler
 * so that the launcher can load it: the hand-over of the listener from the launcher to the parent
 * (one frame of the launcher protocol with the descriptor as `SCM_RIGHTS`), and the libc symbols
 * the parent's supervisor (`seccomp_notify.ts`) uses.
 *
 * Requires `allow-ffi`.
 *
 * @module
 */

import { errnoDetail, keepAlive, libcPath } from "./libc.ts";
import { KernelError } from "./errors.ts";

/** `seccomp` flag: return a listener descriptor for the filter's `USER_NOTIF` results (5.0). */
export const SECCOMP_FILTER_FLAG_NEW_LISTENER = 8;
/** `seccomp` flag: with TSYNC and NEW_LISTENER, report a thread that cannot sync as ESRCH (5.7). */
export const SECCOMP_FILTER_FLAG_TSYNC_ESRCH = 16;
/** `_IOWR('!', 0, struct seccomp_notif)`. */
export const SECCOMP_IOCTL_NOTIF_RECV = 0xc0502100;
/** `_IOWR('!', 1, struct seccomp_notif_resp)`. */
export const SECCOMP_IOCTL_NOTIF_SEND = 0xc0182101;
/** `_IOW('!', 2, __u64)`. */
export const SECCOMP_IOCTL_NOTIF_ID_VALID = 0x40082102;
/** `SECCOMP_USER_NOTIF_FLAG_CONTINUE`: let the call run (never used for a denial). */
export const SECCOMP_USER_NOTIF_FLAG_CONTINUE = 1;

export const NOTIF_SIZE = 80; // struct seccomp_notif
export const RESP_SIZE = 24; // struct seccomp_notif_resp
export const POLLIN = 0x1;
export const POLLHUP = 0x10;
export const POLLERR = 0x8;
export const POLLNVAL = 0x20;
export const EINTR = 4;
export const ENOENT = 2;
export const ENOSYS = 38;
export const MAX_ERRNO = 4095;
const SOL_SOCKET = 1;
const SCM_RIGHTS = 1;
const MSG_NOSIGNAL = 0x4000;
const MSG_WAITALL = 0x100;
const MSG_CMSG_CLOEXEC = 0x40000000;
export const EFD_CLOEXEC = 0o2000000;
export const PATH_MAX = 4096;

/** The libc symbols of the listener and its supervisor. */
export const LISTENER_SYMBOLS = {
  ioctl: { parameters: ["i32", "u64", "buffer"], result: "i32" },
  poll: { parameters: ["buffer", "u64", "i32"], result: "i32" },
  poll_nonblocking: {
    name: "poll",
    parameters: ["buffer", "u64", "i32"],
    result: "i32",
    nonblocking: true,
  },
  sendmsg: { parameters: ["i32", "buffer", "i32"], result: "i64" },
  recvmsg_nonblocking: {
    name: "recvmsg",
    parameters: ["i32", "buffer", "i32"],
    result: "i64",
    nonblocking: true,
  },
  eventfd: { parameters: ["u32", "i32"], result: "i32" },
  write: { parameters: ["i32", "buffer", "u64"], result: "i64" },
  close: { parameters: ["i32"], result: "i32" },
  open: { parameters: ["buffer", "i32"], result: "i32" },
  pread: { parameters: ["i32", "buffer", "u64", "i64"], result: "i64" },
  __errno_location: { parameters: [], result: "pointer" },
} as const;

export type Symbols = Deno.DynamicLibrary<typeof LISTENER_SYMBOLS>["symbols"];
let loaded: Symbols | undefined;

export function sym(): Symbols {
  loaded ??= Deno.dlopen(libcPath(), LISTENER_SYMBOLS).symbols;
  return loaded;
}

export function lastErrno(): number {
  const p = sym().__errno_location();
  return p === null ? 0 : new Deno.UnsafePointerView(p).getInt32();
}

export function fail(operation: string, code = lastErrno()): never {
  throw new KernelError(operation, code, errnoDetail(code));
}

export function address(buffer: Uint8Array): bigint {
  return BigInt(Deno.UnsafePointer.value(Deno.UnsafePointer.of(buffer as BufferSource)));
}

// ---------------------------------------------------------------------------------------------
// The listener's way from the launcher to the parent: one frame of the launcher protocol
// ("listener"), with the descriptor attached as SCM_RIGHTS to its first byte.

/** The payload of the frame that carries the listener. */
export const LISTENER_FRAME = "listener";

/** A `struct msghdr` with one iovec over `data` and room for one descriptor. */
function messageHeader(data: Uint8Array, fd?: number) {
  const iov = new Uint8Array(16);
  const iovView = new DataView(iov.buffer);
  iovView.setBigUint64(0, address(data), true);
  iovView.setBigUint64(8, BigInt(data.length), true);
  const control = new Uint8Array(24); // CMSG_SPACE(sizeof(int))
  const controlView = new DataView(control.buffer);
  if (fd !== undefined) {
    controlView.setBigUint64(0, 20n, true); // CMSG_LEN(sizeof(int))
    controlView.setInt32(8, SOL_SOCKET, true);
    controlView.setInt32(12, SCM_RIGHTS, true);
    controlView.setInt32(16, fd, true);
  }
  const header = new Uint8Array(56);
  const view = new DataView(header.buffer);
  view.setBigUint64(16, address(iov), true);
  view.setBigUint64(24, 1n, true);
  view.setBigUint64(32, address(control), true);
  view.setBigUint64(40, BigInt(control.length), true);
  return { header, iov, control, view, controlView };
}

/**
 * A prepared send of the listener frame: built before the filters are installed, so that between
 * the listener's creation and its hand-over the launcher makes no call but `sendmsg` and `close`.
 */
export interface DescriptorSender {
  /** Sends `fd` on `channelFd` (blocking) and closes it here. Throws `KernelError`. */
  send(channelFd: number, fd: number): void;
}

/**
 * Prepares the launcher's send of the listener frame (see {@linkcode DescriptorSender}).
 *
 * @example
 * ```ts ignore
 * import { prepareDescriptorSender } from "./seccomp_notify.ts";
 * const sender = prepareDescriptorSender();
 * sender.send(channelFd, listenerFd);
 * ```
 */
export function prepareDescriptorSender(): DescriptorSender {
  const payload = new TextEncoder().encode(LISTENER_FRAME);
  const frame = new Uint8Array(4 + payload.length);
  new DataView(frame.buffer).setUint32(0, payload.length, true);
  frame.set(payload, 4);
  const message = messageHeader(frame, 0);
  const symbols = sym();
  return {
    send(channelFd: number, fd: number): void {
      message.controlView.setInt32(16, fd, true);
      for (;;) {
        const n = Number(symbols.sendmsg(channelFd, message.header, MSG_NOSIGNAL));
        if (n === frame.length) break;
        const code = lastErrno();
        if (n < 0 && code === EINTR) continue;
        fail("send the seccomp listener to the parent (sendmsg)", n < 0 ? code : 5);
      }
      symbols.close(fd);
      keepAlive(message, frame);
    },
  };
}

/** One frame read by {@linkcode receiveDescriptorFrame}, with the descriptor that came with it. */
export interface DescriptorFrame {
  /** The payload; `null` at end of stream. */
  readonly payload: Uint8Array | null;
  /** The descriptor received with it (close-on-exec), if any. */
  readonly fd?: number;
}

async function receive(fd: number, length: number, control: boolean) {
  const data = new Uint8Array(length);
  const message = messageHeader(data);
  let got = 0;
  let received: number | undefined;
  while (got < length) {
    if (got > 0) {
      // the rest of a frame: no descriptor comes with it
      message.view.setBigUint64(32, 0n, true);
      message.view.setBigUint64(40, 0n, true);
      new DataView(message.iov.buffer).setBigUint64(0, address(data) + BigInt(got), true);
      new DataView(message.iov.buffer).setBigUint64(8, BigInt(length - got), true);
    }
    const n = Number(
      await sym().recvmsg_nonblocking(fd, message.header, MSG_WAITALL | MSG_CMSG_CLOEXEC),
    );
    if (n < 0) {
      const code = lastErrno();
      if (code === EINTR) continue;
      fail("receive from the launcher (recvmsg)", code);
    }
    if (n === 0) return { data: got === 0 ? null : undefined, received };
    if (control && got === 0 && message.view.getBigUint64(40, true) >= 20n) {
      const level = message.controlView.getInt32(8, true);
      const type = message.controlView.getInt32(12, true);
      if (level === SOL_SOCKET && type === SCM_RIGHTS) {
        received = message.controlView.getInt32(16, true);
      }
    }
    got += n;
  }
  keepAlive(message);
  return { data, received };
}

/**
 * Reads one frame of the launcher protocol from `fd` with `recvmsg`, keeping a descriptor sent
 * with it. Resolves `payload: null` at end of stream. Throws `KernelError`, or `Error` for a
 * truncated frame.
 *
 * @example
 * ```ts ignore
 * import { receiveDescriptorFrame } from "./seccomp_notify.ts";
 * const { payload, fd } = await receiveDescriptorFrame(channel.fd);
 * ```
 */
export async function receiveDescriptorFrame(fd: number): Promise<DescriptorFrame> {
  const head = await receive(fd, 4, true);
  if (head.data === null) return { payload: null };
  if (head.data === undefined) throw new Error("launcher protocol: stream ended inside a frame");
  const length = new DataView(head.data.buffer).getUint32(0, true);
  if (length > 1 << 24) throw new Error(`launcher protocol: frame of ${length} bytes`);
  const body = length === 0 ? { data: new Uint8Array(0) } : await receive(fd, length, false);
  if (!(body.data instanceof Uint8Array)) {
    throw new Error("launcher protocol: stream ended inside a frame");
  }
  return { payload: body.data, ...(head.received === undefined ? {} : { fd: head.received }) };
}
