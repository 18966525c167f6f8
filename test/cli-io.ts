// A CliIo that captures standard output and error, for tests of the CLI commands.
import { processIo, type CliIo } from "../src/cli/common.js";

export type CapturingIo = CliIo & { out: string; err: string };

/** Captures stdout/stderr; files go to `files` (in memory) or, by default, to the real file system. */
export function capturingIo(files?: (path: string) => Uint8Array, writeFile: CliIo["writeFile"] = processIo.writeFile): CapturingIo {
  const io: CapturingIo = {
    out: "",
    err: "",
    stdout(t: string) {
      io.out += t;
    },
    stderr(t: string) {
      io.err += t;
    },
    readFile: files ?? processIo.readFile,
    writeFile,
  };
  return io;
}
