/**
 * The signature input ("crash data") shape of Socorro's signature generator,
 * with siggen's snake_case field names so JSON documents move between the
 * two unchanged. Every field is optional and may be null (Python's None).
 */

/** A function inlined into a physical frame; it counts as its own frame. */
export interface InlineFrame {
  /** Function name of the inlined call. */
  function?: string | null;
  /** Source file of the inlined call. */
  file?: string | null;
  /** Line in `file`. */
  line?: number | string | null;
}

/** A module that was unloaded at the address of a frame. */
export interface UnloadedModule {
  /** File name of the unloaded module. */
  module?: string | null;
  /** Offsets into the unloaded module (hex strings); not used for signatures. */
  offsets?: string[] | null;
}

/** One physical stack frame, as minidump-stackwalk writes it. */
export interface StackFrame {
  /** Module (file name) the instruction pointer is in. */
  module?: string | null;
  /** Symbolicated function name. */
  function?: string | null;
  /** Source file, possibly with VCS information (`hg:host/repo:path:rev`). */
  file?: string | null;
  /** Line in `file`. */
  line?: number | string | null;
  /** Offset into `module`, hex. */
  module_offset?: string | null;
  /** Absolute instruction address, hex. */
  offset?: string | null;
  /** Inlined calls at this address, innermost first. */
  inlines?: InlineFrame[] | null;
  /** Modules that had been unloaded from this address. */
  unloaded_modules?: UnloadedModule[] | null;
}

/** The parts of a frame (physical or inlined) that normalization reads. */
export interface FrameParts {
  /** Module file name. */
  module?: string | null;
  /** Function name. */
  function?: string | null;
  /** Source file. */
  file?: string | null;
  /** Source line. */
  line?: number | string | null;
  /** Instruction address, hex. */
  offset?: string | null;
  /** Unloaded modules (physical frames only). */
  unloaded_modules?: UnloadedModule[] | null;
}

/** One thread's stack. */
export interface StackThread {
  /** Frames, innermost (crashing) first. */
  frames?: StackFrame[] | null;
  /** Thread name; not used for signatures. */
  thread_name?: string | null;
  /** Total frame count; not used for signatures. */
  frame_count?: number | null;
  /** Windows last error of the thread (e.g. `ERROR_NOT_ENOUGH_MEMORY`). */
  last_error_value?: string | null;
}

/**
 * Everything signature generation reads. Unknown fields are kept and ignored,
 * so a superset (for example with `original_signature`) is fine.
 */
export interface SignatureInput {
  /** `c` or `java`; informational only. */
  platform?: string | null;
  /** Index into `threads`; null or invalid means thread 0 is used. */
  crashing_thread?: number | string | null;
  /** All thread stacks (`json_dump.threads`). */
  threads?: StackThread[] | null;
  /** Operating system name; `Windows NT` lower-cases module names. */
  os?: string | null;
  /** Crash reason (`json_dump.crash_info.type`). */
  reason?: string | null;
  /** The `Hang` annotation; any non-null value prefixes `hang: <value>`. */
  hang?: string | number | boolean | null;
  /** Size of the allocation that failed, in bytes. */
  oom_allocation_size?: number | string | null;
  /** The `JSLargeAllocationFailure` annotation (`Reporting` means OOM). */
  js_large_allocation_failure?: string | null;
  /** The `AbortMessage` annotation. */
  abort_message?: string | null;
  /** minidump-stackwalk status (`OK` or an error such as `ERROR_NO_THREAD_LIST`). */
  mdsw_status_string?: string | null;
  /** The `AsyncShutdownTimeout` annotation: JSON text with `phase`, `conditions`. */
  async_shutdown_timeout?: string | Record<string, unknown> | null;
  /** The `ipc_channel_error` annotation. */
  ipc_channel_error?: string | null;
  /** The `IPCMessageName` annotation. */
  ipc_message_name?: string | null;
  /** Names of the extra minidumps (`upload_file_minidump_browser`, ...). */
  additional_minidumps?: string[] | string | null;
  /** Java stack trace as one string (exception line, then `at ...` lines). */
  java_stack_trace?: string | null;
  /**
   * Structured (Sentry-style) Java exception; see {@link JavaException}.
   * Kept as unknown because a malformed value is a signature outcome
   * (`EMPTY: Java exception not in expected format`), not an input error.
   */
  java_exception?: unknown;
  /** The previously stored signature, kept for comparisons. */
  original_signature?: string | null;
  /** Extra fields are allowed and ignored. */
  [field: string]: unknown;
}

/** One frame of a structured Java exception. */
export interface JavaExceptionFrame {
  /** Class, e.g. `org.mozilla.fenix.ext.AddonManagerKt`. */
  module?: string | null;
  /** Method name. */
  function?: string | null;
  /** Source file name. */
  filename?: string | null;
  /** Line in `filename`. */
  lineno?: number | null;
  /** Whether the frame is application code. */
  in_app?: boolean | null;
}

/** The documented shape of `java_exception` (the `JavaException` annotation). */
export interface JavaException {
  /** Wrapper object. */
  exception?: {
    /** Cascading exceptions, oldest (the cause) first. */
    values?: {
      /** The stack of one exception. */
      stacktrace?: {
        /** Frames, newest first. */
        frames?: JavaExceptionFrame[] | null;
        /** Exception class name, e.g. `IOException`. */
        type?: string | null;
        /** Exception package, e.g. `java.io`. */
        module?: string | null;
        /** Exception message. */
        value?: string | null;
      };
    }[];
  };
}

/** What siggen's `signify` prints, and what `generateSignature` returns. */
export interface SignatureOutput {
  /** The signature. */
  signature: string;
  /** All normalized frames joined with ` | `, or `''` when none were made. */
  proto_signature: string;
  /** Public notes explaining decisions, each `<Rule>: <message>`. */
  notes: string[];
}

/** Extra values the generation rule records. */
export interface SignatureExtra {
  /** All normalized frames joined with ` | `. */
  proto_signature?: string;
  /** The normalized frames (at most 40) the signature was chosen from. */
  normalized_frames?: string[];
}

/** Full result: the output plus the debug log and extras (web API, processor). */
export interface SignatureDetails extends SignatureOutput {
  /** Debug lines, each `<Rule>: <message>`; may name internal decisions. */
  debug_log: string[];
  /** Extras, as the `extra` of `POST /api/CrashSignature/`. */
  extra: SignatureExtra;
}
