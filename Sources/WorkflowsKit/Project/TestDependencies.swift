import Foundation
import TOML

/// What the gates' tools are installed with and pinned by, beyond the requirement files: the PEP 508
/// lines that `pyproject.toml` declares (dependency groups, Poetry groups, extras), the versions a lock file
/// pins, and the installer pins that are left out. Plain data, resolved by `TestDependencyDiscovery`.
struct TestDependencies: Sendable, Equatable {
    /// One requirement line and where it was declared (`pyproject.toml [dependency-groups] test`).
    struct Line: Sendable, Equatable {
        var requirement: String
        var origin: String
    }

    /// What was used, as the project file names it: `group:dev`, `extra:test`, `requirements-test.txt`.
    var entries: [String] = []
    /// Lines from `pyproject.toml`, installers dropped: they travel to the install as one synthesized file.
    var lines: [Line] = []
    /// `uv.lock` or `poetry.lock`, when one pins versions.
    var lockFile: String?
    /// `name==version` for every registry package of the lock (installers dropped): constraints, so they
    /// pin only what the tools' install installs.
    var lockPins: [String] = []
    /// `pip==26.0.1 (requirements-test.txt:2)`: installer pins left out of the tools' install.
    var droppedInstallers: [String] = []

    init() {}

    /// Installers, not dependencies of a gate: never installed with the tools, never constrained to the image's.
    static let installers: Set<String> = ["pip", "setuptools", "wheel"]
}

/// Finds the test dependencies as real repositories declare them, in the README's order; the first kind
/// found wins: PEP 735 dependency groups, Poetry's groups, `[project.optional-dependencies]` extras, then
/// requirement files. The project file's `test-requirements` may name groups (`group:NAME`) and extras
/// (`extra:NAME`) beside files.
enum TestDependencyDiscovery {
    static let conventionalGroups = ["test", "tests", "testing", "dev", "lint"]
    static let conventionalExtras = ["test", "tests", "testing", "dev"]
    static let groupPrefix = "group:"
    static let extraPrefix = "extra:"

    /// The lines declared by the conventional groups or extras, with the entries they came from and a
    /// description of the kind (`pyproject.toml [dependency-groups]`); nil when `pyproject` declares none.
    static func convention(pyproject: TOMLTable?) throws -> (entries: [String], lines: [TestDependencies.Line], origin: String)? {
        guard let pyproject else { return nil }
        let declared = Declarations(pyproject: pyproject)
        let groups = declared.dependencyGroupNames.filter { conventionalGroups.contains(Requirements.normalize($0)) }
        if !groups.isEmpty {
            let lines = try groups.flatMap { try declared.dependencyGroup($0) }
            return (groups.map { groupPrefix + $0 }, unique(lines), "\(Declarations.file) [dependency-groups]")
        }
        let poetry = declared.poetryGroupNames
        if !poetry.isEmpty {
            let lines = poetry.flatMap { declared.poetryGroup($0) }
            return (poetry.map { groupPrefix + $0 }, unique(lines), "\(Declarations.file) [tool.poetry]")
        }
        let extras = declared.extraNames.filter { conventionalExtras.contains(Requirements.normalize($0)) }
        if !extras.isEmpty {
            let lines = try extras.flatMap { try declared.extra($0) }
            return (extras.map { extraPrefix + $0 }, unique(lines), "\(Declarations.file) [project.optional-dependencies]")
        }
        return nil
    }

    /// The lines of the groups and extras that `entries` (the project file's `test-requirements`) names; an
    /// unknown one is an error at the key. Entries without a prefix are files: the caller reads them.
    static func named(
        _ entries: ProjectFile.Value<[String]>, file: String, pyproject: TOMLTable?
    ) throws -> [TestDependencies.Line] {
        let declared = Declarations(pyproject: pyproject ?? TOMLTable())
        var lines: [TestDependencies.Line] = []
        for entry in entries.value {
            if entry.hasPrefix(groupPrefix) {
                let name = String(entry.dropFirst(groupPrefix.count))
                if let group = declared.dependencyGroupNames.first(where: { same($0, name) }) {
                    lines += try declared.dependencyGroup(group)
                } else if let group = declared.poetryGroupNames.first(where: { same($0, name) }) {
                    lines += declared.poetryGroup(group)
                } else {
                    let known = declared.dependencyGroupNames + declared.poetryGroupNames
                    throw ProjectFileError(
                        file: file, position: entries.position,
                        "'test-requirements' names \(entry), but \(Declarations.file) declares no group '\(name)' "
                            + "(groups: \(known.isEmpty ? "none" : known.joined(separator: ", ")))")
                }
            } else if entry.hasPrefix(extraPrefix) {
                let name = String(entry.dropFirst(extraPrefix.count))
                guard let extra = declared.extraNames.first(where: { same($0, name) }) else {
                    let known = declared.extraNames
                    throw ProjectFileError(
                        file: file, position: entries.position,
                        "'test-requirements' names \(entry), but \(Declarations.file) declares no extra '\(name)' "
                            + "in [project.optional-dependencies] (extras: \(known.isEmpty ? "none" : known.joined(separator: ", ")))")
                }
                lines += try declared.extra(extra)
            }
        }
        return unique(lines)
    }

    static func isFile(_ entry: String) -> Bool { !entry.hasPrefix(groupPrefix) && !entry.hasPrefix(extraPrefix) }

    /// Splits off the installer pins (`pip`, `setuptools`, `wheel`), described with their origins.
    static func withoutInstallers(_ lines: [TestDependencies.Line]) -> (kept: [TestDependencies.Line], dropped: [String]) {
        var kept: [TestDependencies.Line] = []
        var dropped: [String] = []
        for line in lines {
            if let name = Requirements.distribution(in: line.requirement), TestDependencies.installers.contains(name) {
                dropped.append("\(line.requirement) (\(line.origin))")
            } else {
                kept.append(line)
            }
        }
        return (kept, dropped)
    }

    private static func same(_ a: String, _ b: String) -> Bool { Requirements.normalize(a) == Requirements.normalize(b) }

    private static func unique(_ lines: [TestDependencies.Line]) -> [TestDependencies.Line] {
        var seen: Set<String> = []
        return lines.filter { seen.insert($0.requirement).inserted }
    }
}

/// The declarations of one `pyproject.toml`, read on demand.
private struct Declarations {
    static let file = "pyproject.toml"
    var pyproject: TOMLTable

    var dependencyGroups: TOMLTable? { pyproject["dependency-groups"]?.tableValue }
    var dependencyGroupNames: [String] { dependencyGroups?.keys ?? [] }

    var poetry: TOMLTable? { pyproject["tool"]?.tableValue?["poetry"]?.tableValue }
    /// Every group but `main`, then `dev` for the old `[tool.poetry.dev-dependencies]` when no group has that name.
    var poetryGroupNames: [String] {
        var names = (poetry?["group"]?.tableValue?.keys ?? []).filter {
            Requirements.normalize($0) != "main" && poetryGroupTable($0) != nil
        }
        if poetry?["dev-dependencies"]?.tableValue != nil, !names.contains(where: { Requirements.normalize($0) == "dev" }) {
            names.append("dev")
        }
        return names
    }

    var project: TOMLTable? { pyproject["project"]?.tableValue }
    var extras: TOMLTable? { project?["optional-dependencies"]?.tableValue }
    var extraNames: [String] { extras?.keys ?? [] }

    /// A dependency group with its `{include-group = …}` entries resolved (PEP 735): names compare
    /// normalised; a cycle or an unknown include is an error at the including group's line.
    func dependencyGroup(_ name: String) throws -> [TestDependencies.Line] {
        try dependencyGroup(name, trail: [])
    }

    private func dependencyGroup(_ name: String, trail: [String]) throws -> [TestDependencies.Line] {
        guard let groups = dependencyGroups, let key = groups.keys.first(where: { Requirements.normalize($0) == Requirements.normalize(name) }) else {
            return []
        }
        let position = groups.position(of: key) ?? TOMLPosition(line: 1, column: 1)
        func error(_ message: String) -> ProjectFileError {
            ProjectFileError(file: Self.file, position: position, "[dependency-groups] \(key): \(message)")
        }
        guard let items = groups[key]?.arrayValue else { throw error("a group must be an array") }
        var lines: [TestDependencies.Line] = []
        for item in items {
            if let requirement = item.stringValue {
                lines.append(.init(requirement: requirement, origin: "\(Self.file) [dependency-groups] \(key)"))
            } else if let table = item.tableValue, let included = table["include-group"]?.stringValue, table.count == 1 {
                guard groups.keys.contains(where: { Requirements.normalize($0) == Requirements.normalize(included) }) else {
                    throw error("includes the group '\(included)', which [dependency-groups] does not declare")
                }
                let path = trail + [key]
                if let start = path.firstIndex(where: { Requirements.normalize($0) == Requirements.normalize(included) }) {
                    let cycle = (path[start...] + [included]).joined(separator: " → ")
                    throw error("its include-group entries form a cycle (\(cycle)); PEP 735 forbids cycles")
                }
                lines += try dependencyGroup(included, trail: path)
            } else {
                throw error("an entry must be a requirement string or {include-group = \"NAME\"}, not \(item.typeName)")
            }
        }
        return lines
    }

    private func poetryGroupTable(_ name: String) -> TOMLTable? {
        poetry?["group"]?.tableValue?[name]?.tableValue?["dependencies"]?.tableValue
    }

    /// A Poetry group's dependencies (`dev`: `[tool.poetry.dev-dependencies]` when no group has that name),
    /// translated to PEP 508; what cannot be (`path`, `git`, `url`) is left out, and says so in its origin.
    func poetryGroup(_ name: String) -> [TestDependencies.Line] {
        let table: TOMLTable
        let origin: String
        if let group = poetryGroupTable(name) {
            table = group
            origin = "\(Self.file) [tool.poetry.group.\(name).dependencies]"
        } else if let old = poetry?["dev-dependencies"]?.tableValue {
            table = old
            origin = "\(Self.file) [tool.poetry.dev-dependencies]"
        } else {
            return []
        }
        return table.keys.compactMap { package in
            guard package.lowercased() != "python", let value = table[package],
                let requirement = PoetryConstraint.requirement(package, value)
            else { return nil }
            return .init(requirement: requirement, origin: origin)
        }
    }

    /// An extra's lines; one that names this project with extras (`myapp[test,lint]`) stands for those extras.
    func extra(_ name: String) throws -> [TestDependencies.Line] {
        try extra(name, trail: [])
    }

    private func extra(_ name: String, trail: [String]) throws -> [TestDependencies.Line] {
        guard let extras, let key = extras.keys.first(where: { Requirements.normalize($0) == Requirements.normalize(name) }),
            !trail.contains(Requirements.normalize(key))
        else { return [] }
        let own = project?["name"]?.stringValue.map(Requirements.normalize)
        var lines: [TestDependencies.Line] = []
        for item in extras[key]?.arrayValue ?? [] {
            guard let requirement = item.stringValue else { continue }
            if let own, Requirements.distribution(in: requirement) == own,
                let open = requirement.firstIndex(of: "["), let close = requirement.firstIndex(of: "]"), open < close
            {
                for included in requirement[requirement.index(after: open)..<close].split(separator: ",") {
                    lines += try extra(included.trimmingCharacters(in: .whitespaces), trail: trail + [Requirements.normalize(key)])
                }
            } else if own == nil || Requirements.distribution(in: requirement) != own {
                lines.append(.init(requirement: requirement, origin: "\(Self.file) [project.optional-dependencies] \(key)"))
            }
        }
        return lines
    }
}
