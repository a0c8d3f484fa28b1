/// How pre-commit hooks shape the gates they match: the tool's version from the hook's `rev` when no test
/// requirement pins it, the hook's arguments (fixing ones dropped), the files its `files`/`exclude` leave,
/// and the mypy or flake8 hook's `additional_dependencies` installed with the tools.
struct PreCommitGates {
    var hooks: PreCommitHooks
    /// The project's gates.
    var gates: [Gate]
    /// What each hook's `files`/`exclude` leave of the sources; absent or nil: all of them.
    var paths: [Gate: [String]?]
    /// The project file names the gates: a hook whose patterns leave nothing keeps the usual sources.
    var explicitGates: Bool

    init(hooks: PreCommitHooks, gates: [Gate], paths: [Gate: [String]], explicitGates: Bool) {
        self.hooks = hooks
        self.gates = gates
        self.paths = paths.mapValues { Optional($0) }
        self.explicitGates = explicitGates
    }

    var active: [PreCommitHooks.Hook] { gates.compactMap { hooks.hooks[$0] } }

    /// The tools' install (`tools`, gate tools by name) with the hooks' versions (`ruff==0.6.9`) for those
    /// pinned nowhere else (`unpinned`, which then loses them), then the hooks' additional dependencies.
    func pin(tools: inout [String], unpinned: inout [String], origins: inout [String: String], notes: inout [String]) {
        for tool in unpinned {
            let matching = active.filter { $0.gate.package == tool }
            if let hook = matching.first(where: { $0.version != nil }), let version = hook.version {
                let pinned = "\(tool)==\(version)"
                tools = tools.map { $0 == tool ? pinned : $0 }
                origins[pinned] = hook.revOrigin
            } else if let note = matching.compactMap(\.versionNote).first {
                notes.append(note)
            }
        }
        unpinned.removeAll { tool in tools.contains { $0.hasPrefix(tool + "==") } }
        for hook in active where hook.gate == .mypy || hook.gate == .flake8 {
            for dependency in hook.additionalDependencies where !tools.contains(dependency) {
                tools.append(dependency)
                origins[dependency] = "\(hook.origin) (additional_dependencies)"
            }
        }
    }

    /// Each hooked gate's arguments and paths, with their origins (`gate.NAME.args`, `gate.NAME.paths`).
    func settings(origins: inout [String: String], notes: inout [String]) -> [Gate: Project.GateSettings] {
        var result: [Gate: Project.GateSettings] = [:]
        for gate in Gate.canonicalOrder where !gates.contains(gate) && !explicitGates {
            if let hook = hooks.hooks[gate], paths[gate]??.isEmpty == true {
                notes.append("\(hook.origin): the \(gate.name) hook's files/exclude leave none of the sources, so \(gate.name) is no gate")
            }
        }
        for hook in active {
            let gate = hook.gate
            var settings = Project.GateSettings()
            var arguments = hook.arguments ?? []
            var argumentsOrigin = hook.argumentsOrigin
            if hook.arguments == nil, hook.isMypyMirror {
                arguments = ["--ignore-missing-imports"]
                argumentsOrigin = "\(hook.origin) (mirrors-mypy's default args)"
            }
            if let selected = paths[gate] ?? nil {
                if selected.isEmpty {
                    notes.append("\(hook.origin): the \(gate.name) hook's files/exclude leave none of the sources; the gate checks all of them")
                } else {
                    settings.paths = selected
                    origins["gate.\(gate.name).paths"] = "\(hook.origin) (files/exclude)"
                    // As the ruff hooks run it: its own exclude settings apply to files named one by one.
                    if gate == .ruff || gate == .ruffFormat { arguments.insert("--force-exclude", at: 0) }
                }
            }
            if !hook.dropped.isEmpty {
                notes.append("\(hook.argumentsOrigin ?? hook.origin): \(hook.dropped.joined(separator: " ")) left out of "
                    + "the \(gate.name) gate's arguments: a gate checks, it never rewrites")
            }
            settings.arguments = arguments
            if !arguments.isEmpty { origins["gate.\(gate.name).args"] = argumentsOrigin ?? hook.origin }
            if settings != Project.GateSettings() { result[gate] = settings }
        }
        return result
    }
}
