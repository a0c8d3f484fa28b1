import Foundation
import TOML

/// The keys a project file may set, read and type-checked, each with the place it was set. Found as ruff
/// and black find their settings: the first that exists at the root of `workflows.toml`,
/// `.workflows.toml` (keys at top level), or a `[tool.workflows]` table in `pyproject.toml`.
struct ProjectFile: Sendable, Equatable {
    struct Value<T: Sendable & Equatable>: Sendable, Equatable {
        var value: T
        /// `file:line`, for messages and `show_project`.
        var origin: String
        var position: TOMLPosition
    }

    /// The file, relative to the root.
    var file: String
    var image: Value<String>?
    var dockerfile: Value<String>?
    var context: Value<String>?
    var sourceRoot: Value<String>?
    var sources: Value<[String]>?
    var tests: Value<[String]>?
    var testRequirements: Value<[String]>?
    var gates: Value<[Gate]>?
    var healthURL: Value<String>?
    var healthCommand: Value<String>?
    var healthEnvironment: Value<[String: String]>?
    var healthTimeout: Value<Double>?
    /// `environment`: every gate's container, and the host-side gates.
    var environment: Value<[String: String]>?
    /// `gate.NAME`: per-gate settings.
    var gateSettings: [Gate: GateValues] = [:]
    /// `services.NAME`: containers beside the image's (`ServiceValues`).
    var services: [ServiceValues] = []
    /// `[build]`: build arguments, target, platform and secrets (`BuildInputs.swift`).
    var build: BuildValues?
    /// What `${VAR}` put into the values above: hidden wherever workflows prints or reports.
    var secrets: [String] = []

    /// `[gate.NAME]`'s keys.
    struct GateValues: Sendable, Equatable {
        var arguments: Value<[String]>?
        var workingDirectory: Value<String>?
        var environment: Value<[String: String]>?
    }

    static let candidates = ["workflows.toml", ".workflows.toml", "pyproject.toml"]
    static let topLevelKeys = [
        "image", "dockerfile", "context", "source-root", "sources", "tests", "test-requirements", "gates", "health",
        "environment", "gate", "services", "build",
    ]
    static let gateKeys = ["args", "working-directory", "environment"]
    static let healthKeys = ["url", "command", "environment", "timeout"]

    /// The project file at `root`, or nil when there is none (a `pyproject.toml` without `[tool.workflows]`
    /// is none). `pyproject` is the root's parsed `pyproject.toml`, when it exists; `variables`, the
    /// environment `${VAR}` reads.
    static func load(root: URL, pyproject: TOMLTable?, variables: [String: String] = [:]) throws -> ProjectFile? {
        for name in candidates {
            let url = root.appendingPathComponent(name)
            guard FileManager.default.fileExists(atPath: url.path) else { continue }
            if name == "pyproject.toml" {
                guard let pyproject, let tool = pyproject["tool"]?.tableValue, let table = tool["workflows"] else {
                    return nil
                }
                let position = tool.position(of: "workflows") ?? TOMLPosition(line: 1, column: 1)
                guard let workflows = table.tableValue else {
                    throw ProjectFileError(file: name, position: position, "[tool.workflows] must be a table")
                }
                return try decode(workflows, file: name, prefix: "tool.workflows.", variables: variables)
            }
            return try decode(try TOMLFiles.read(url, name: name), file: name, prefix: "", variables: variables)
        }
        return nil
    }

    static func decode(
        _ table: TOMLTable, file: String, prefix: String, variables: [String: String] = [:]
    ) throws -> ProjectFile {
        let secrets = SecretCollector(variables: variables)
        let reader = KeyReader(table: table, file: file, prefix: prefix, secrets: secrets)
        try reader.rejectUnknown(allowed: topLevelKeys)
        var result = ProjectFile(file: file)
        result.image = try reader.string("image")
        result.dockerfile = try reader.string("dockerfile")
        result.context = try reader.string("context")
        result.sourceRoot = try reader.string("source-root")
        result.sources = try reader.strings("sources")
        result.tests = try reader.strings("tests")
        result.testRequirements = try reader.strings("test-requirements")
        result.gates = try reader.gates("gates")
        if let health = try reader.table("health") {
            let healthReader = KeyReader(table: health, file: file, prefix: prefix + "health.", secrets: secrets)
            try healthReader.rejectUnknown(allowed: healthKeys)
            result.healthURL = try healthReader.string("url")
            result.healthCommand = try healthReader.string("command")
            result.healthEnvironment = try healthReader.environment("environment", expanding: true)
            result.healthTimeout = try healthReader.seconds("timeout")
            if let url = result.healthURL, result.healthCommand != nil {
                throw ProjectFileError(
                    file: file, position: url.position,
                    "\(prefix)health.url and \(prefix)health.command exclude each other: keep one")
            }
            if let url = result.healthURL, !(url.value.hasPrefix("http://") || url.value.hasPrefix("https://")) {
                throw ProjectFileError(
                    file: file, position: url.position,
                    "\(prefix)health.url must be an http:// or https:// URL, not '\(url.value)'")
            }
        }
        result.environment = try reader.environment("environment", expanding: true)
        if let gates = try reader.table("gate") {
            for name in gates.keys {
                let position = gates.position(of: name) ?? reader.position("gate")
                let allowed = Gate.allCases.map(\.name)
                guard let gate = Gate(rawValue: name) else {
                    let hint = StepCatalog.suggestion(for: name, among: allowed).map { "; did you mean '\($0)'?" } ?? ""
                    throw ProjectFileError(
                        file: file, position: position,
                        "unknown gate '\(prefix)gate.\(name)'\(hint) Allowed: \(allowed.joined(separator: ", "))")
                }
                guard let settings = gates[name]?.tableValue else {
                    throw ProjectFileError(
                        file: file, position: position,
                        "'\(prefix)gate.\(name)' must be a table ([\(prefix)gate.\(name)] with args, working-directory, environment)")
                }
                let gateReader = KeyReader(table: settings, file: file, prefix: prefix + "gate.\(name).", secrets: secrets)
                try gateReader.rejectUnknown(allowed: gateKeys)
                result.gateSettings[gate] = GateValues(
                    arguments: try gateReader.strings("args", expanding: true),
                    workingDirectory: try gateReader.string("working-directory"),
                    environment: try gateReader.environment("environment", expanding: true))
            }
        }
        result.services = try ServiceValues.decode(reader)
        result.build = try reader.table("build").map {
            try BuildValues(KeyReader(table: $0, file: file, prefix: prefix + "build.", secrets: secrets))
        }
        result.secrets = secrets.values
        return result
    }
}

/// Expands `${VAR}` for the readers of one file, and keeps what the variables put in.
final class SecretCollector {
    let variables: [String: String]
    private(set) var values: [String] = []

    init(variables: [String: String]) { self.variables = variables }

    /// `text` expanded; a variable that is not set is an error at the key's place.
    func expand(_ text: String, key: String, file: String, position: TOMLPosition) throws -> String {
        let expanded: Interpolation
        do {
            expanded = try Interpolation.expand(text, variables: variables)
        } catch {
            switch error {
            case .unset(let name):
                throw ProjectFileError(
                    file: file, position: position,
                    "'\(key)' uses ${\(name)}, but the environment variable \(name) is not set (set it, or write $$ for a literal $)")
            case .malformed(let text):
                throw ProjectFileError(
                    file: file, position: position, "'\(key)' has '\(text)', which is not ${NAME} (write $$ for a literal $)")
            }
        }
        hide(expanded.secrets)
        return expanded.value
    }

    /// Values to mask that came otherwise (a build secret's variable).
    func hide(_ secrets: [String]) {
        for secret in secrets where !secret.isEmpty && !values.contains(secret) { values.append(secret) }
    }
}

/// A project file that is wrong: exit 64, nothing runs.
struct ProjectFileError: Error, Equatable {
    var file: String
    var position: TOMLPosition
    var message: String

    init(file: String, position: TOMLPosition, _ message: String) {
        self.file = file
        self.position = position
        self.message = message
    }

    var asWorkflowsError: WorkflowsError {
        WorkflowsError(
            .usage, "\(file):\(position.line):\(position.column): \(message).",
            remedy: "Fix \(file); 'workflows show_project' shows what workflows understood. The keys are in the "
                + "README's table.")
    }
}

/// Reads typed keys from one table, with errors that name the file, line, column and key.
struct KeyReader {
    var table: TOMLTable
    var file: String
    var prefix: String
    var secrets: SecretCollector

    func position(_ key: String) -> TOMLPosition { table.position(of: key) ?? TOMLPosition(line: 1, column: 1) }

    func origin(_ key: String) -> String { "\(file):\(position(key).line)" }

    func rejectUnknown(allowed: [String]) throws {
        for key in table.keys where !allowed.contains(key) {
            let hint = StepCatalog.suggestion(for: key, among: allowed).map { "; did you mean '\($0)'?" } ?? ""
            throw ProjectFileError(
                file: file, position: position(key),
                "unknown key '\(prefix)\(key)'\(hint) Allowed here: \(allowed.joined(separator: ", "))")
        }
    }

    func wrongType(_ key: String, _ expected: String, _ value: TOMLValue) -> ProjectFileError {
        ProjectFileError(
            file: file, position: position(key), "'\(prefix)\(key)' must be \(expected), not \(value.typeName)")
    }

    func string(_ key: String) throws -> ProjectFile.Value<String>? {
        guard let value = table[key] else { return nil }
        guard let text = value.stringValue else { throw wrongType(key, "a string", value) }
        guard !text.isEmpty else {
            throw ProjectFileError(file: file, position: position(key), "'\(prefix)\(key)' must not be empty")
        }
        return .init(value: text, origin: origin(key), position: position(key))
    }

    /// `expanding`: `${VAR}` in each string is replaced (`Interpolation`).
    func strings(_ key: String, expanding: Bool = false) throws -> ProjectFile.Value<[String]>? {
        guard let value = table[key] else { return nil }
        guard let items = value.arrayValue else { throw wrongType(key, "an array of strings", value) }
        var texts: [String] = []
        for item in items {
            guard let text = item.stringValue, !text.isEmpty else {
                throw wrongType(key, "an array of non-empty strings", item)
            }
            texts.append(expanding ? try secrets.expand(text, key: prefix + key, file: file, position: position(key)) : text)
        }
        return .init(value: texts, origin: origin(key), position: position(key))
    }

    func gates(_ key: String) throws -> ProjectFile.Value<[Gate]>? {
        guard let names = try strings(key) else { return nil }
        let allowed = Gate.allCases.map(\.name)
        var gates: [Gate] = []
        for name in names.value {
            guard let gate = Gate(rawValue: name) else {
                let hint = StepCatalog.suggestion(for: name, among: allowed).map { "; did you mean '\($0)'?" } ?? ""
                throw ProjectFileError(
                    file: file, position: names.position,
                    "unknown gate '\(name)' in '\(prefix)\(key)'\(hint) Allowed: \(allowed.joined(separator: ", "))")
            }
            guard !gates.contains(gate) else {
                throw ProjectFileError(
                    file: file, position: names.position, "the gate '\(name)' is named twice in '\(prefix)\(key)'")
            }
            gates.append(gate)
        }
        return .init(value: gates, origin: names.origin, position: names.position)
    }

    func table(_ key: String) throws -> TOMLTable? {
        guard let value = table[key] else { return nil }
        guard let nested = value.tableValue else { throw wrongType(key, "a table", value) }
        return nested
    }

    /// A table of strings, as `NAME = "value"`; `expanding`: `${VAR}` in the values is replaced.
    func environment(_ key: String, expanding: Bool = false) throws -> ProjectFile.Value<[String: String]>? {
        guard let value = table[key] else { return nil }
        guard let nested = value.tableValue else { throw wrongType(key, "a table of strings", value) }
        var environment: [String: String] = [:]
        for name in nested.keys {
            guard let text = nested[name]?.stringValue else {
                throw ProjectFileError(
                    file: file, position: nested.position(of: name) ?? position(key),
                    "'\(prefix)\(key).\(name)' must be a string (quote numbers: \(name) = \"8080\")")
            }
            guard name.range(of: "^[A-Za-z_][A-Za-z0-9_]*$", options: .regularExpression) != nil else {
                throw ProjectFileError(
                    file: file, position: nested.position(of: name) ?? position(key),
                    "'\(prefix)\(key).\(name)' is not an environment variable's name (letters, digits, _)")
            }
            let place = nested.position(of: name) ?? position(key)
            environment[name] = expanding ? try secrets.expand(text, key: "\(prefix)\(key).\(name)", file: file, position: place) : text
        }
        return .init(value: environment, origin: origin(key), position: position(key))
    }

    func seconds(_ key: String) throws -> ProjectFile.Value<Double>? {
        guard let value = table[key] else { return nil }
        let seconds: Double
        if let integer = value.integerValue {
            seconds = Double(integer)
        } else if let double = value.doubleValue {
            seconds = double
        } else {
            throw wrongType(key, "a number of seconds", value)
        }
        guard seconds > 0, seconds.isFinite else {
            throw ProjectFileError(
                file: file, position: position(key), "'\(prefix)\(key)' must be a positive number of seconds")
        }
        return .init(value: seconds, origin: origin(key), position: position(key))
    }
}

/// Reading a TOML file with errors as the project reports them.
enum TOMLFiles {
    static func read(_ url: URL, name: String) throws -> TOMLTable {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw WorkflowsError(.input, "Cannot read \(name): \(error.localizedDescription)")
        }
        do {
            return try TOMLDecoder.parse(data, file: name)
        } catch {
            throw WorkflowsError(
                .usage, "\(error) (\(name) is not valid TOML 1.0).",
                remedy: "Fix the file at that line and column; the TOML spec is at https://toml.io/en/v1.0.0.")
        }
    }
}
