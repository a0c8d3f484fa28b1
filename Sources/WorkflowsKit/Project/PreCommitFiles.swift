import Foundation

/// pre-commit's `files` and `exclude`: Python regular expressions searched (`re.search`) in each file's
/// path relative to the repository root. Here they choose which of a gate's Python files (`.py`, `.pyi`
/// under its sources) it checks. Written for Python's `re`, run by ICU's engine (`NSRegularExpression`):
/// `(?P<name>…)` and `(?P=name)` are translated; the rest of what configuration files use (`(?x)`,
/// classes, anchors, alternation) means the same in both.
struct PreCommitFiles {
    var root: URL
    var sourceRoot: String

    /// A compiled pattern, or a usage error naming where it was written.
    static func pattern(_ text: String, origin: String) throws -> NSRegularExpression {
        let translated = text
            .replacingOccurrences(of: "(?P<", with: "(?<")
            .replacingOccurrences(of: #"\(\?P=([A-Za-z_][A-Za-z0-9_]*)\)"#, with: #"\\k<$1>"#, options: .regularExpression)
        do {
            return try NSRegularExpression(pattern: translated)
        } catch {
            throw WorkflowsError(
                .usage, "\(origin): '\(text)' is not a regular expression workflows can read.",
                remedy: "pre-commit reads it as a Python regular expression; simplify it, or set 'gates' and 'sources' in the project file.")
        }
    }

    static func search(_ pattern: NSRegularExpression, _ path: String) -> Bool {
        pattern.firstMatch(in: path, range: NSRange(path.startIndex..., in: path)) != nil
    }

    /// The Python files under `sources` (relative to the source root), sorted.
    func pythonFiles(under sources: [String]) -> [String] {
        let fileManager = FileManager.default
        var found: [String] = []
        for source in sources {
            let base = sourceRoot == "." ? source : sourceRoot + "/" + source
            var isFolder: ObjCBool = false
            guard fileManager.fileExists(atPath: root.appendingPathComponent(base).path, isDirectory: &isFolder) else { continue }
            guard isFolder.boolValue else {
                if Self.isPython(source) { found.append(source) }
                continue
            }
            var queue = [source]
            while let folder = queue.popLast() {
                let full = root.appendingPathComponent(sourceRoot == "." ? folder : sourceRoot + "/" + folder)
                for name in ((try? fileManager.contentsOfDirectory(atPath: full.path)) ?? []).sorted() {
                    guard !name.hasPrefix("."), name != "__pycache__" else { continue }
                    var nested: ObjCBool = false
                    // A name that vanished since the listing (or a broken link) is neither: it is skipped.
                    guard fileManager.fileExists(atPath: full.appendingPathComponent(name).path, isDirectory: &nested) else {
                        continue
                    }
                    if nested.boolValue {
                        queue.append(folder + "/" + name)
                    } else if Self.isPython(name) {
                        found.append(folder + "/" + name)
                    }
                }
            }
        }
        return Array(Set(found)).sorted()
    }

    static func isPython(_ name: String) -> Bool { name.hasSuffix(".py") || name.hasSuffix(".pyi") }

    /// The files of `sources` a hook checks, or nil when its patterns leave every one of them (the gate then
    /// checks its folders as usual).
    func selection(
        sources: [String], hook: PreCommitHooks.Hook, config: PreCommitHooks
    ) throws -> [String]? {
        let origin = hook.origin
        var include: [NSRegularExpression] = []
        var exclude: [NSRegularExpression] = []
        for pattern in [config.files, hook.files].compactMap({ $0 }) where !pattern.isEmpty {
            include.append(try Self.pattern(pattern, origin: origin))
        }
        for pattern in [config.exclude, hook.exclude].compactMap({ $0 }) where pattern != "^$" {
            exclude.append(try Self.pattern(pattern, origin: origin))
        }
        guard !include.isEmpty || !exclude.isEmpty else { return nil }
        let files = pythonFiles(under: sources)
        let chosen = files.filter { file in
            let path = sourceRoot == "." ? file : sourceRoot + "/" + file
            return include.allSatisfy { Self.search($0, path) } && !exclude.contains { Self.search($0, path) }
        }
        return chosen.count == files.count ? nil : chosen
    }
}
