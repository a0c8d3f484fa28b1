import Foundation

/// What the tools' download (`ToolWheels`) and install (`GateTools`) read on their standard input, as
/// JSON: the requirement files by path, which their scripts' `prelude` writes into `folder` (relative
/// paths kept, so that `-r` and `-c` includes resolve), with the constraints given.
enum ToolInputs {
    static let folder = "/tmp/workflows-tools-input"

    /// The test requirements and every file they include, by path relative to the root.
    static func files(of project: Project) throws -> [String: String] {
        var files: [String: String] = [:]
        for file in project.requirementFiles {
            files[file] = String(decoding: try Data(contentsOf: project.path(file)), as: UTF8.self)
        }
        return files
    }

    static func json<Spec: Encodable>(_ spec: Spec) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try encoder.encode(spec)
    }

    /// Python that reads the spec into `spec`, writes its `files` under `work`, and its `constraints`
    /// (`name==version` lines) into `work/constraints.txt`.
    static let prelude = #"""
        import glob, importlib.metadata as metadata, json, os, shutil, subprocess, sys
        spec = json.load(sys.stdin)
        work = "\#(folder)"
        for name, text in spec["files"].items():
            path = os.path.join(work, name)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf-8") as file:
                file.write(text)
        def write_constraints(pins):
            os.makedirs(work, exist_ok=True)
            with open(os.path.join(work, "constraints.txt"), "w", encoding="utf-8") as file:
                file.write("".join(pin + "\n" for pin in pins))

        """#
}
