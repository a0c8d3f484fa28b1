import Foundation

/// The test requirements as pip reads them: the files (with those they include through `-r` and `-c`,
/// which travel into the gates' image beside them) and the distributions they name.
struct Requirements: Sendable, Equatable {
    /// Every file, relative to the root, the named ones first.
    var files: [String]
    /// Normalised names (PEP 503) of what `-r` files install.
    var installed: Set<String>
    /// Normalised names that only `-c` constraint files name.
    var constrained: Set<String>
    /// The file that first installs each name in `installed`.
    var origins: [String: String] = [:]
    /// Installer pins (`pip`, `setuptools`, `wheel`), as `pip==26.0.1 (requirements-test.txt:2)`: left out
    /// of the tools' install (`ToolInputs` comments them out of the files it sends).
    var installers: [String] = []
    /// The exact pins (`black==26.10.1`) of `-r` and `-c` files: normalised name to version.
    var pins: [String: String] = [:]

    /// Follows `-r`/`--requirement` and `-c`/`--constraint` lines relative to the including file's folder.
    /// An include that is missing or outside the root is an error at its file and line.
    static func read(_ named: [String], root: URL) throws -> Requirements {
        var result = Requirements(files: [], installed: [], constrained: [])
        var queue: [(path: String, constraint: Bool)] = named.map { ($0, false) }
        while !queue.isEmpty {
            let (path, isConstraint) = queue.removeFirst()
            guard !result.files.contains(path) else { continue }
            result.files.append(path)
            let text = (try? String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)) ?? ""
            for (index, raw) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
                var line = String(raw)
                if let hash = line.range(of: " #") ?? (line.hasPrefix("#") ? line.range(of: "#") : nil) {
                    line = String(line[..<hash.lowerBound])
                }
                line = line.trimmingCharacters(in: .whitespaces)
                guard !line.isEmpty else { continue }
                if let (include, constraint) = include(in: line) {
                    let folder = (path as NSString).deletingLastPathComponent
                    let joined = ((folder.isEmpty ? include : folder + "/" + include) as NSString).standardizingPath
                    guard !joined.hasPrefix("../"), !joined.hasPrefix("/"), joined != ".." else {
                        throw WorkflowsError(
                            .usage, "\(path):\(index + 1): '\(include)' is outside the repository.",
                            remedy: "Requirement files travel into the gates' image with the repository's layout; "
                                + "keep them inside it.")
                    }
                    guard FileManager.default.fileExists(atPath: root.appendingPathComponent(joined).path) else {
                        throw WorkflowsError(
                            .usage, "\(path):\(index + 1): includes '\(include)', which does not exist.",
                            remedy: "Fix the line or restore \(joined).")
                    }
                    queue.append((joined, constraint || isConstraint))
                } else if !line.hasPrefix("-"), let name = distribution(in: line) {
                    if let version = exactVersion(in: line), result.pins[name] == nil { result.pins[name] = version }
                    if TestDependencies.installers.contains(name) {
                        result.installers.append("\(line) (\(path):\(index + 1))")
                    } else if isConstraint {
                        result.constrained.insert(name)
                    } else {
                        result.installed.insert(name)
                        if result.origins[name] == nil { result.origins[name] = path }
                    }
                }
            }
        }
        result.constrained.subtract(result.installed)
        return result
    }

    private static func include(in line: String) -> (String, Bool)? {
        for (flag, constraint) in [("-r", false), ("--requirement", false), ("-c", true), ("--constraint", true)] {
            guard line.hasPrefix(flag) else { continue }
            let rest = line.dropFirst(flag.count)
            guard let first = rest.first, first == " " || first == "=" || flag.count == 2 else { continue }
            let path = rest.drop(while: { $0 == " " || $0 == "=" }).trimmingCharacters(in: .whitespaces)
            if !path.isEmpty { return (path, constraint) }
        }
        return nil
    }

    /// `text` with its installer lines (see `installers`) commented out, line numbers kept.
    static func withoutInstallers(_ text: String) -> String {
        text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map { raw in
            let line = raw.trimmingCharacters(in: .whitespaces)
            guard !line.hasPrefix("-"), let name = distribution(in: line), TestDependencies.installers.contains(name) else {
                return String(raw)
            }
            return "# " + raw + "  # an installer: left out by workflows"
        }.joined(separator: "\n")
    }

    /// The version of an exact pin (`black==26.10.1`, `ruff == 0.6.9 ; python_version > "3"`), or nil.
    static func exactVersion(in requirement: String) -> String? {
        guard let range = requirement.range(of: #"==\s*[A-Za-z0-9.+!_-]+"#, options: .regularExpression),
            !requirement[..<range.lowerBound].contains("="), !requirement[..<range.lowerBound].contains("<"),
            !requirement[..<range.lowerBound].contains(">"), !requirement[..<range.lowerBound].contains(",")
        else { return nil }
        let version = requirement[range].dropFirst(2).trimmingCharacters(in: .whitespaces)
        return version.contains("*") ? nil : version
    }

    /// The distribution a requirement line names, normalised: `Flask[async]>=3` → `flask`.
    static func distribution(in line: String) -> String? {
        guard let range = line.range(of: "^[A-Za-z0-9][A-Za-z0-9._-]*", options: .regularExpression) else { return nil }
        return normalize(String(line[range]))
    }

    static func normalize(_ name: String) -> String {
        name.lowercased().replacingOccurrences(of: "[-_.]+", with: "-", options: .regularExpression)
    }
}
