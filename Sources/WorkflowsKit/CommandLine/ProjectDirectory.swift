import Foundation

/// `-C DIR` / `--project-dir DIR`, as `git -C` and `make -C`: the repository root. It is taken out of the
/// arguments first, because the project it names decides which steps and gates the rest may name.
enum ProjectDirectory {
    static let flags = ["-C", "--project-dir"]

    /// The root (relative to `currentFolder` unless absolute; the last one given wins) and the other arguments.
    static func extract(_ arguments: [String], currentFolder: URL) throws -> (root: URL, rest: [String]) {
        var folder: String?
        var rest: [String] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if let flag = flags.first(where: { argument.hasPrefix($0 + "=") }) {
                folder = String(argument.dropFirst(flag.count + 1))
            } else if flags.contains(argument) {
                guard index < arguments.count, !arguments[index].isEmpty else {
                    throw WorkflowsError(
                        .usage, "option '\(argument)' needs a value: the repository's root folder.",
                        remedy: "Run 'workflows --help' for the steps and options.")
                }
                folder = arguments[index]
                index += 1
            } else {
                rest.append(argument)
                continue
            }
            if folder?.isEmpty == true {
                throw WorkflowsError(
                    .usage, "option '\(argument)' needs a value: the repository's root folder.",
                    remedy: "Run 'workflows --help' for the steps and options.")
            }
        }
        guard let folder else { return (currentFolder, rest) }
        let url = folder.hasPrefix("/") ? URL(fileURLWithPath: folder) : currentFolder.appendingPathComponent(folder)
        return (url.standardizedFileURL, rest)
    }
}
