import Foundation

/// The interpreter the gates run in the image: `python` on the image's `PATH` as the image's user (a venv
/// on `PATH` is the project's interpreter), else `python3`; but when that is no venv and the project's venv
/// lies beside it, not on `PATH` (`WORKDIR/.venv`, `/app/.venv`, `/venv` with a `pyvenv.cfg`, as Poetry's
/// in-project venvs do), that venv's `bin/python`. Found in the same short run that reads the image's facts
/// (`GateTools.imageFacts`).
struct ImagePython: Sendable, Equatable {
    /// What `--entrypoint` names: `python`, `python3`, or a venv's absolute `bin/python`.
    var command: String
    /// Why it is not plain `python`, for the run's output; nil when it is.
    var reason: String?

    static let onPath = ImagePython(command: "python", reason: nil)

    /// The venvs looked for when the interpreter on `PATH` is none.
    static let venvCandidates = [".venv", "/app/.venv", "/venv"]

    /// Prints `interpreter VENV_PYTHON` (then the facts, read by that venv's Python) or `interpreter PATH`
    /// (then the facts, read by this one): Python's version, the platform and the installed distributions,
    /// after failing, naming them, when any of `expected` (paths relative to the working directory) is not
    /// in the image.
    static func factsScript(expecting expected: [String]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        let list = String(decoding: (try? encoder.encode(expected)) ?? Data("[]".utf8), as: UTF8.self)
        let candidates = String(decoding: (try? encoder.encode(venvCandidates)) ?? Data("[]".utf8), as: UTF8.self)
        return #"""
            import os, subprocess, sys
            FACTS = r'''
            import os, sys, platform, importlib.metadata as m
            missing = [p for p in \#(list) if not os.path.exists(p)]
            missing and sys.exit("not in the image at " + os.getcwd() + ": " + ", ".join(missing))
            print(sys.version)
            print(platform.machine())
            print("\n".join(sorted(f"{d.metadata['Name']}=={d.version}" for d in m.distributions())))
            '''
            if sys.prefix == sys.base_prefix:
                for folder in \#(candidates):
                    python = os.path.join(os.path.abspath(folder), "bin", "python")
                    if os.path.isfile(os.path.join(os.path.dirname(os.path.dirname(python)), "pyvenv.cfg")) and os.access(python, os.X_OK):
                        print("interpreter " + python, flush=True)
                        sys.exit(subprocess.call([python, "-c", FACTS]))
            print("interpreter PATH", flush=True)
            exec(FACTS)
            """#
    }

    /// The interpreter and the facts from the facts run's output, which `command` ran.
    static func parse(_ output: String, ranWith command: String) -> (ImagePython, facts: String) {
        var lines = output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let first = lines.first, first.hasPrefix("interpreter ") else {
            return (ImagePython(command: command, reason: nil), output)
        }
        lines.removeFirst()
        let facts = lines.joined(separator: "\n")
        let named = String(first.dropFirst("interpreter ".count))
        if named != "PATH" {
            return (ImagePython(
                command: named,
                reason: "the project's venv: not on the image's PATH, where \(command) is no venv"), facts)
        }
        return (ImagePython(
            command: command, reason: command == "python" ? nil : "the image has no 'python' on its PATH"), facts)
    }
}
