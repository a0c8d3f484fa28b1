import Foundation

/// A Dockerfile the project resolves to and that is not there: `show_project` marks it, and the build
/// steps stop before anything runs (exit 64), naming the key that says where it is.
struct MissingDockerfile: Sendable, Equatable {
    /// Where it was looked for, absolute.
    var path: String
    /// Where the value came from (`convention`, `.workflows.toml:3`).
    var origin: String

    /// nil when the Dockerfile exists.
    init?(project: Project) {
        let url = project.path(project.dockerfile)
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder), !isFolder.boolValue { return nil }
        path = url.path
        origin = project.origins["dockerfile"] ?? ProjectLoader.convention
    }

    /// What `show_project` prints after the value.
    var mark: String { "(missing: looked for \(path))" }

    var error: WorkflowsError {
        WorkflowsError(
            .usage, "No Dockerfile at \(path) (\(origin)): nothing to build.",
            remedy: "Set 'dockerfile' (and 'context' when the build's files are elsewhere) in the project file "
                + "([tool.workflows] in pyproject.toml, or .workflows.toml) to the Dockerfile's path from the "
                + "repository root; or pass -C with the repository's root folder.")
    }
}
