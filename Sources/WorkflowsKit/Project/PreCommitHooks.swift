import Foundation
import YAML

/// What `.pre-commit-config.yaml` says of the gates' tools: for each hook of a tool we know (ruff /
/// ruff-check, ruff-format, black, isort, flake8, mypy), where it is, the version its `rev` names, its
/// arguments (fixing ones dropped: a gate checks, never rewrites), its `files`/`exclude` patterns and its
/// `additional_dependencies`. Keys it does not use are ignored.
struct PreCommitHooks: Sendable, Equatable {
    static let file = ".pre-commit-config.yaml"

    struct Hook: Sendable, Equatable {
        var gate: Gate
        /// `.pre-commit-config.yaml:LINE` of the hook's `id`.
        var origin: String
        /// The tool's version the repository's `rev` names; nil for a commit without `# frozen: vX.Y.Z`, a
        /// branch, or a `local` hook.
        var version: String?
        /// `.pre-commit-config.yaml:LINE (rev v0.6.9)`, for `show_project`.
        var revOrigin: String?
        /// Why the `rev` pins no version, said once when nothing else pins the tool.
        var versionNote: String?
        /// The hook's `args` without the fixing ones; nil when it has no `args`.
        var arguments: [String]?
        /// `.pre-commit-config.yaml:LINE` of `args`.
        var argumentsOrigin: String?
        /// The fixing arguments left out.
        var dropped: [String] = []
        /// Python regular expressions on repository paths.
        var files: String?
        var exclude: String?
        var additionalDependencies: [String] = []
        /// From `github.com/pre-commit/mirrors-mypy`, whose hook adds `--ignore-missing-imports` when `args` is absent.
        var isMypyMirror = false
    }

    /// The first hook of each gate, in file order.
    var hooks: [Gate: Hook] = [:]
    /// The top-level `files` and `exclude`, applied to every hook.
    var files: String?
    var exclude: String?
    /// What the run says once: hooks skipped.
    var notes: [String] = []

    static let gatesByHookID: [String: Gate] = [
        "ruff": .ruff, "ruff-check": .ruff, "ruff-format": .ruffFormat, "black": .black, "black-jupyter": .black,
        "isort": .isort, "flake8": .flake8, "mypy": .mypy,
        // hadolint/hadolint's hooks: the binary, and the same in hadolint's own image.
        "hadolint": .hadolint, "hadolint-docker": .hadolint,
    ]

    /// Arguments that make a tool rewrite files, dropped from a gate's arguments.
    static let fixingArguments: Set<String> = [
        "--fix", "--fix-only", "--unsafe-fixes", "--exit-non-zero-on-fix", "--write", "-i", "--in-place", "--inplace",
        "--apply",
    ]

    static func isFixing(_ argument: String) -> Bool {
        fixingArguments.contains(argument) || argument.hasPrefix("--fix=") || argument.hasPrefix("--fix-only=")
    }

    /// The hooks of `.pre-commit-config.yaml` at `root`, or nil when there is none.
    static func read(root: URL) throws -> PreCommitHooks? {
        let url = root.appendingPathComponent(file)
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        guard let text = try? String(contentsOf: url, encoding: .utf8) else {
            throw WorkflowsError(.input, "Cannot read \(file) as UTF-8 text.")
        }
        let document: YAMLNode?
        do {
            document = try YAMLReader.parse(text, file: file)
        } catch {
            throw WorkflowsError(
                .usage, "\(error).",
                remedy: "workflows reads \(file) for the gates' hooks; fix the file at that line (pre-commit reads it too).")
        }
        guard let document else { return PreCommitHooks() }
        return try decode(document)
    }

    static func wrong(_ node: YAMLNode, _ message: String) -> WorkflowsError {
        WorkflowsError(
            .usage, "\(file):\(node.position.line):\(node.position.column): \(message).",
            remedy: "Fix \(file) as pre-commit documents it (https://pre-commit.com/#plugins).")
    }

    static func strings(_ node: YAMLNode, _ key: String) throws -> [String] {
        guard let items = node.sequence else { throw wrong(node, "'\(key)' must be a sequence of strings, not \(node.kindName)") }
        return try items.map { item in
            guard let text = item.string else { throw wrong(item, "'\(key)' must hold strings, not \(item.kindName)") }
            return text
        }
    }

    static func string(_ node: YAMLNode?, _ key: String) throws -> String? {
        guard let node, !node.isNull else { return nil }
        guard let text = node.string else { throw wrong(node, "'\(key)' must be a string, not \(node.kindName)") }
        return text
    }

    static func decode(_ document: YAMLNode) throws -> PreCommitHooks {
        guard document.mapping != nil else { throw wrong(document, "the file must be a mapping with 'repos'") }
        var result = PreCommitHooks()
        result.files = try string(document["files"], "files")
        result.exclude = try string(document["exclude"], "exclude")
        guard let repos = document["repos"], !repos.isNull else { return result }
        guard let entries = repos.sequence else { throw wrong(repos, "'repos' must be a sequence, not \(repos.kindName)") }
        for repo in entries {
            guard repo.mapping != nil else { throw wrong(repo, "each entry of 'repos' must be a mapping") }
            let url = try string(repo["repo"], "repo") ?? ""
            let rev = repo["rev"]
            guard let hooks = repo["hooks"], !hooks.isNull else { continue }
            guard let list = hooks.sequence else { throw wrong(hooks, "'hooks' must be a sequence, not \(hooks.kindName)") }
            for hook in list {
                guard hook.mapping != nil else { throw wrong(hook, "each hook must be a mapping with an 'id'") }
                guard let idNode = hook["id"], let id = idNode.string else { throw wrong(hook, "a hook needs an 'id'") }
                guard let gate = gatesByHookID[id], result.hooks[gate] == nil else { continue }
                if let stages = hook["stages"], try strings(stages, "stages") == ["manual"] {
                    result.notes.append("\(file):\(idNode.position.line): the \(id) hook runs only by hand (stages: [manual]); it is no gate")
                    continue
                }
                var found = Hook(gate: gate, origin: "\(file):\(idNode.position.line)")
                if let rev, url != "local", url != "meta" {
                    let (version, note) = gate == .hadolint ? try Self.hadolintVersion(of: rev) : try Self.version(of: rev, tool: gate.package)
                    found.version = version
                    found.revOrigin = "\(file):\(rev.position.line) (rev \(rev.string ?? ""))"
                    found.versionNote = note
                }
                if let args = hook["args"] {
                    let all = try strings(args, "args")
                    found.arguments = all.filter { !isFixing($0) }
                    found.dropped = all.filter(isFixing)
                    found.argumentsOrigin = "\(file):\(hook.pair("args")?.keyPosition.line ?? args.position.line)"
                }
                found.files = try string(hook["files"], "files")
                found.exclude = try string(hook["exclude"], "exclude")
                if let dependencies = hook["additional_dependencies"] {
                    found.additionalDependencies = try strings(dependencies, "additional_dependencies")
                }
                found.isMypyMirror = url.hasSuffix("pre-commit/mirrors-mypy") || url.hasSuffix("pre-commit/mirrors-mypy.git")
                result.hooks[gate] = found
            }
        }
        return result
    }

    /// `v0.6.9` → `0.6.9`; `24.8.0` → `24.8.0`; a commit with `# frozen: v1.2.3` → `1.2.3`; any other commit or
    /// a branch pins nothing, with a note that says so.
    static func version(of rev: YAMLNode, tool: String) throws -> (String?, String?) {
        guard let text = rev.string else { throw wrong(rev, "'rev' must be a string, not \(rev.kindName)") }
        let place = "\(file):\(rev.position.line)"
        if let version = released(text) { return (version, nil) }
        let isCommit = text.range(of: "^[0-9a-f]{7,40}$", options: .regularExpression) != nil
        if isCommit, let comment = rev.comment,
            let range = comment.range(of: #"^frozen:\s*\S+$"#, options: .regularExpression),
            let version = released(String(comment[range].dropFirst("frozen:".count)).trimmingCharacters(in: .whitespaces))
        {
            return (version, nil)
        }
        let what = isCommit ? "is a commit without a '# frozen: vX.Y.Z' comment" : "names no release"
        return (nil, "\(place): rev '\(text)' \(what), so it pins no version of \(tool)")
    }

    /// hadolint's tags (`v2.12.0`, `v2.12.1-beta`) name a version whatever their suffix: `Hadolint.pin`
    /// takes the nearest wheel. A commit follows the other hooks' rules.
    static func hadolintVersion(of rev: YAMLNode) throws -> (String?, String?) {
        let (version, note) = try version(of: rev, tool: Hadolint.package)
        guard version == nil, let text = rev.string,
            let range = text.range(of: #"^v?[0-9]+(\.[0-9]+)+"#, options: .regularExpression)
        else { return (version, note) }
        let prefix = text[range]
        return (String(prefix.hasPrefix("v") ? prefix.dropFirst() : prefix), nil)
    }

    /// The version a release tag names: `v1.11.2`, `24.8.0`, `v1.0.0rc1`; nil for anything else.
    static func released(_ tag: String) -> String? {
        let version = tag.hasPrefix("v") ? String(tag.dropFirst()) : tag
        let pattern = #"^[0-9]+(\.[0-9]+)+((a|b|rc|\.post|\.dev)[0-9]+)*$"#
        return version.range(of: pattern, options: .regularExpression) != nil ? version : nil
    }
}
