import Foundation
import YAML

/// Where the Dockerfile is when the project file does not say: `Dockerfile` at the root; else in the
/// `context` the project file sets; else the one the Compose file builds (`compose.yaml`, `compose.yml`,
/// `docker-compose.yaml`, `docker-compose.yml`, the first that exists, as Docker Compose picks it: `build:`
/// as a context, or a mapping with `context` and `dockerfile`); else the only `Dockerfile` in the tree
/// (hidden folders, `node_modules`, `venv` and `__pycache__` skipped), with its folder as the context, or
/// the root when only the root holds what it copies. Several candidates: a usage error that lists them.
enum DockerfileDiscovery {
    struct Found: Sendable, Equatable {
        var dockerfile: String
        var context: String
        var origin: String
    }

    static let composeFiles = ["compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml"]
    static let skippedFolders: Set<String> = ["node_modules", "venv", "__pycache__", "site-packages"]
    /// The tree search looks this deep, and at this many entries at most.
    static let maximumDepth = 8
    static let maximumEntries = 50_000

    /// `context` is the project file's, when it sets one.
    static func find(root: URL, context: String?) throws -> Found {
        if exists(root, "Dockerfile") { return Found(dockerfile: "Dockerfile", context: context ?? ".", origin: ProjectLoader.convention) }
        if let context, context != ".", exists(root, context + "/Dockerfile") {
            return Found(dockerfile: context + "/Dockerfile", context: context, origin: "convention (Dockerfile in the context)")
        }
        if let found = try fromCompose(root: root) {
            return Found(dockerfile: found.dockerfile, context: context ?? found.context, origin: found.origin)
        }
        let all = dockerfiles(under: root)
        if all.count > 1 {
            throw several(all.map { "\($0) (context \(folder(of: $0)))" }, source: "the repository holds several Dockerfiles and none at its root")
        }
        if let only = all.first {
            return Found(
                dockerfile: only, context: context ?? treeContext(root: root, dockerfile: only),
                origin: "convention (the only Dockerfile in the repository)")
        }
        return Found(dockerfile: "Dockerfile", context: context ?? ".", origin: ProjectLoader.convention)
    }

    static func exists(_ root: URL, _ path: String) -> Bool {
        var isFolder: ObjCBool = false
        return FileManager.default.fileExists(atPath: root.appendingPathComponent(path).path, isDirectory: &isFolder) && !isFolder.boolValue
    }

    static func folder(of path: String) -> String {
        let folder = (path as NSString).deletingLastPathComponent
        return folder.isEmpty ? "." : folder
    }

    static func several(_ candidates: [String], source: String) -> WorkflowsError {
        WorkflowsError(
            .usage, "No Dockerfile at the repository's root, and \(source): " + candidates.joined(separator: ", ") + ".",
            remedy: "Say which one builds the image: set 'dockerfile' (and 'context', its build context) in the project "
                + "file, e.g. dockerfile = \"\(candidates.first?.split(separator: " ").first.map(String.init) ?? "Dockerfile")\".")
    }

    // MARK: Compose

    static func fromCompose(root: URL) throws -> Found? {
        guard let name = composeFiles.first(where: { exists(root, $0) }) else { return nil }
        guard let text = try? String(contentsOf: root.appendingPathComponent(name), encoding: .utf8) else { return nil }
        let document: YAMLNode?
        do {
            document = try YAMLReader.parse(text, file: name)
        } catch {
            throw WorkflowsError(
                .usage, "\(error).",
                remedy: "With no Dockerfile at the root, workflows reads \(name) for the one it builds: fix the file at "
                    + "that line, or set 'dockerfile' and 'context' in the project file.")
        }
        guard let services = document?["services"]?.mapping else { return nil }
        var found: [Found] = []
        for service in services {
            guard let build = service.value["build"], !build.isNull else { continue }
            var context = "."
            var dockerfile = "Dockerfile"
            if let text = build.string {
                context = text
            } else if build.mapping != nil {
                if build["dockerfile_inline"] != nil { continue }
                context = build["context"]?.string ?? "."
                dockerfile = build["dockerfile"]?.string ?? "Dockerfile"
            } else {
                continue
            }
            guard let base = inside(context), !dockerfile.hasPrefix("/"), !dockerfile.contains("${") else { continue }
            guard let path = inside(base == "." ? dockerfile : base + "/" + dockerfile), exists(root, path) else { continue }
            let line = service.value.pair("build")?.keyPosition.line ?? build.position.line
            let candidate = Found(dockerfile: path, context: base, origin: "\(name):\(line) (services.\(service.key).build)")
            if !found.contains(where: { $0.dockerfile == path && $0.context == base }) { found.append(candidate) }
        }
        if found.count > 1 {
            throw several(found.map { "\($0.dockerfile) (context \($0.context), \($0.origin))" }, source: "\(name) builds several images")
        }
        return found.first
    }

    /// A path relative to the root, normalised, or nil when it leaves the repository or is no local path.
    static func inside(_ path: String) -> String? {
        guard !path.hasPrefix("/"), !path.contains("://"), !path.hasPrefix("git@"), !path.contains("${") else { return nil }
        let normalized = (path as NSString).standardizingPath
        if normalized.isEmpty || normalized == "." { return "." }
        guard normalized != "..", !normalized.hasPrefix("../") else { return nil }
        return normalized.hasPrefix("./") ? String(normalized.dropFirst(2)) : normalized
    }

    // MARK: the tree

    /// Every file named `Dockerfile` below the root, sorted.
    static func dockerfiles(under root: URL) -> [String] {
        let fileManager = FileManager.default
        var found: [String] = []
        var queue: [(String, Int)] = [(".", 0)]
        var seen = 0
        while !queue.isEmpty, seen < maximumEntries {
            let (folder, depth) = queue.removeFirst()
            let url = folder == "." ? root : root.appendingPathComponent(folder)
            for name in ((try? fileManager.contentsOfDirectory(atPath: url.path)) ?? []).sorted() {
                seen += 1
                guard !name.hasPrefix("."), !skippedFolders.contains(name) else { continue }
                let path = folder == "." ? name : folder + "/" + name
                var isFolder: ObjCBool = false
                // A name that vanished since the listing (or a broken link) is neither: it is skipped.
                guard fileManager.fileExists(atPath: url.appendingPathComponent(name).path, isDirectory: &isFolder) else {
                    continue
                }
                if isFolder.boolValue {
                    if depth + 1 < maximumDepth { queue.append((path, depth + 1)) }
                } else if name == "Dockerfile" {
                    found.append(path)
                }
            }
        }
        return found.sorted()
    }

    /// The Dockerfile's folder, unless what its `COPY` and `ADD` read is missing there but present at the
    /// root (a `docker/Dockerfile` built from the root).
    static func treeContext(root: URL, dockerfile: String) -> String {
        let folder = folder(of: dockerfile)
        guard let text = try? String(contentsOf: root.appendingPathComponent(dockerfile), encoding: .utf8) else { return folder }
        let sources = copiedSources(text)
        guard !sources.isEmpty else { return folder }
        let everywhere = { (base: String) in
            sources.allSatisfy { FileManager.default.fileExists(atPath: root.appendingPathComponent(base == "." ? $0 : base + "/" + $0).path) }
        }
        return !everywhere(folder) && everywhere(".") ? "." : folder
    }

    /// The local paths `COPY` and `ADD` read (not `--from`, URLs or wildcards).
    static func copiedSources(_ text: String) -> [String] {
        let joined = text.replacingOccurrences(of: "\\\n", with: " ")
        var sources: [String] = []
        for line in joined.split(separator: "\n") {
            var words = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard let instruction = words.first?.uppercased(), instruction == "COPY" || instruction == "ADD" else { continue }
            words.removeFirst()
            if words.contains(where: { $0.hasPrefix("--from") }) { continue }
            words.removeAll { $0.hasPrefix("--") }
            if words.first?.hasPrefix("[") == true {
                let json = words.joined(separator: " ")
                words = (try? JSONDecoder().decode([String].self, from: Data(json.utf8))) ?? []
            }
            guard words.count >= 2 else { continue }
            for source in words.dropLast() where !source.contains("://") && !source.contains(where: { "*?[$".contains($0) }) {
                sources.append(source)
            }
        }
        return sources
    }
}
