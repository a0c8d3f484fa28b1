import Foundation

/// Maps the paths the gates print to paths relative to the repository root, which is what CI
/// annotations and people want. The gates run in the image's working directory (or, on the host, in the
/// source root), which holds what the repository's source root holds: a relative path is relative to
/// the source root, and an absolute one is relative once the working directory is stripped from it.
struct RepositoryPaths: Sendable, Equatable {
    /// The project's source root, relative to the repository root: `.` or `app`.
    var sourceRoot: String
    /// The image's working directory (`/srv`, `/home/app/`), when the gates ran in the image.
    var workingDirectory: String?

    init(sourceRoot: String, workingDirectory: String? = nil) {
        self.sourceRoot = sourceRoot
        self.workingDirectory = workingDirectory
    }

    /// `app/pkg/x.py` for `pkg/x.py`, `./pkg/x.py` or `/srv/pkg/x.py` (working directory `/srv`, source
    /// root `app`). An absolute path outside the working directory stays as it is.
    func repositoryPath(_ toolPath: String) -> String {
        guard let relative = relativeToWorkingDirectory(toolPath) else { return toolPath }
        let root = Self.trimmed(sourceRoot)
        if root.isEmpty || relative.isEmpty { return root.isEmpty ? relative : root }
        return root + "/" + relative
    }

    /// The path relative to the working directory, as the tool would have printed it there; nil for an
    /// absolute path elsewhere.
    func relativeToWorkingDirectory(_ toolPath: String) -> String? {
        var path = Substring(toolPath)
        if path.hasPrefix("/") {
            guard let folder = workingDirectory else { return nil }
            let base = Self.trimmed(folder)
            if base.isEmpty {  // the working directory is `/`
                path = path.drop { $0 == "/" }
            } else if path.hasPrefix("/" + base + "/") {
                path = path.dropFirst(base.count + 2)
            } else {
                return nil
            }
        }
        while path.hasPrefix("./") { path = path.dropFirst(2).drop { $0 == "/" } }
        return path == "." ? "" : String(path)
    }

    /// The git work tree that holds `root`: the nearest folder from `root` up with a `.git` (a folder, or
    /// a worktree's or submodule's file); `root` itself when there is none. A project in a subfolder (a
    /// monorepo's `-C services/api`) has its CI's report folder at the checkout's top, not in `root`.
    static func workTree(holding root: URL) -> URL {
        var folder = root.standardizedFileURL
        while true {
            if FileManager.default.fileExists(atPath: folder.appendingPathComponent(".git").path) { return folder }
            let parent = folder.deletingLastPathComponent()
            guard parent.path != folder.path else { return root }
            folder = parent
        }
    }

    /// `folder` relative to `root` when it lies inside it (the report folder inside the checkout, as on
    /// GitLab), for git's tree check to pass over; none otherwise.
    static func inside(_ root: URL, _ folder: String?) -> [String] {
        guard let folder, !folder.isEmpty else { return [] }
        let base = root.standardizedFileURL.path
        let path = URL(fileURLWithPath: folder).absoluteURL.standardizedFileURL.path
        guard path.hasPrefix(base + "/") else { return [] }
        return [String(path.dropFirst(base.count + 1))]
    }

    /// Without leading `./` or `/` and trailing `/`; `.` is empty.
    private static func trimmed(_ path: String) -> String {
        var result = Substring(path)
        while result.hasPrefix("./") { result = result.dropFirst(2) }
        result = result.drop { $0 == "/" }
        while result.hasSuffix("/") { result = result.dropLast() }
        return result == "." ? "" : String(result)
    }
}
