import Foundation
import TOML

/// `[tool.workflows.build]`: what `docker build` gets beside the Dockerfile and the context, as plain data
/// checked when the project is loaded.
struct BuildInputs: Sendable, Equatable {
    /// Where a build secret's value comes from when the build runs.
    enum SecretSource: Sendable, Equatable {
        /// An environment variable of the run (checked to be set when the project is loaded).
        case environment(String)
        /// A file: relative to the repository root, or absolute.
        case file(String)
    }

    /// `args`: `--build-arg NAME=value`; values from `${VAR}` are in `Project.secrets` and go by name.
    var arguments: [String: String] = [:]
    /// `target`: the Dockerfile stage to build (`--target`).
    var target: String?
    /// `platform`: one platform (`--platform`), such as `linux/amd64`.
    var platform: String?
    /// `secrets`: `--secret id=NAME,…`, mounted by `RUN --mount=type=secret,id=NAME`; BuildKit and Podman only.
    var secrets: [String: SecretSource] = [:]

    /// Names the build tools of the engine's CLI read themselves: a secret value must not go by them.
    static let reservedPrefixes = ["DOCKER_", "BUILDKIT_", "BUILDX_", "BUILDAH_", "CONTAINERS_", "XDG_"]
    /// Whole names the CLI reads too (as written: the environment's names have case): its configuration
    /// folder, plugins and credential helpers, temporary files, the agent of an `ssh://` engine, Podman's
    /// remote engine and registry credentials, and the dynamic loader's.
    static let reservedNames = [
        "HOME", "PATH", "TMPDIR", "SSH_AUTH_SOCK", "CONTAINER_HOST", "CONTAINER_CONNECTION", "CONTAINER_SSHKEY",
        "REGISTRY_AUTH_FILE", "LD_PRELOAD", "LD_LIBRARY_PATH",
    ]

    /// Whether the engine's CLI reads `name` from its own environment (a build argument by name sets it there).
    static func isReadByTheCLI(_ name: String) -> Bool {
        reservedNames.contains(name) || reservedPrefixes.contains { name.uppercased().hasPrefix($0) }
    }

    static let secretName = "^[A-Za-z0-9_][A-Za-z0-9_.-]*$"
    static let stageName = "^[A-Za-z0-9][A-Za-z0-9_.-]*$"
    static let platformPattern = "^[a-z0-9]+/[a-z0-9_]+(/[a-z0-9]+)?$"

    /// The stage names of a Dockerfile (`FROM image AS name`), lower-cased as the builders compare them.
    static func stages(of dockerfile: String) -> [String] {
        DockerfileStages.stages(of: dockerfile).compactMap(\.name)
    }

    /// The project file's `build` keys, checked against the repository: a target that the Dockerfile has,
    /// secret files that exist. The values of secrets (a variable's, a small file's) are returned to be masked.
    static func resolve(
        _ values: ProjectFile.BuildValues?, root: URL, dockerfile: String, file: String, origins: inout [String: String]
    ) throws -> (inputs: BuildInputs, secretValues: [String]) {
        guard let values else { return (BuildInputs(), []) }
        var inputs = BuildInputs()
        var secretValues: [String] = []
        if let arguments = values.arguments {
            inputs.arguments = arguments.value
            origins["build.args"] = arguments.origin
        }
        if let platform = values.platform {
            inputs.platform = platform.value
            origins["build.platform"] = platform.origin
        }
        // A Dockerfile that is not there is the build's to report (`MissingDockerfile`, which says where it
        // looked), not this key's: the steps that build nothing still run.
        if let target = values.target {
            if let text = try? String(contentsOf: root.appendingPathComponent(dockerfile), encoding: .utf8) {
                let stages = stages(of: text)
                guard stages.contains(target.value.lowercased()) else {
                    throw ProjectFileError(
                        file: file, position: target.position,
                        "'\(values.prefix)target' names the stage '\(target.value)', which \(dockerfile) does not have ("
                            + (stages.isEmpty ? "it names no stage: FROM IMAGE AS NAME" : "its stages: " + stages.joined(separator: ", "))
                            + ")")
                }
            }
            inputs.target = target.value
            origins["build.target"] = target.origin
        }
        if let secrets = values.secrets {
            for (name, source) in secrets.value {
                if case .file(let path) = source.value {
                    let url = path.hasPrefix("/") ? URL(fileURLWithPath: path) : root.appendingPathComponent(path)
                    var isFolder: ObjCBool = false
                    guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder), !isFolder.boolValue else {
                        throw ProjectFileError(
                            file: file, position: source.position,
                            "'\(values.prefix)secrets.\(name)' reads the file '\(path)', which is not a file"
                                + (path.hasPrefix("/") ? "" : " in the repository root")
                                + " (create it before the build, or read the secret from the environment: { env = \"NAME\" })")
                    }
                    // A token file's content is masked like a variable's; a large file is not text to mask.
                    if let size = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size]) as? NSNumber,
                        size.intValue <= 65536, let content = try? String(contentsOf: url, encoding: .utf8)
                    {
                        let trimmed = content.trimmingCharacters(in: .whitespacesAndNewlines)
                        if trimmed.count >= 4 { secretValues.append(trimmed) }
                    }
                }
                inputs.secrets[name] = source.value
            }
            origins["build.secrets"] = secrets.origin
        }
        return (inputs, secretValues)
    }
}

extension ProjectFile {
    /// `[build]`'s keys as the file sets them.
    struct BuildValues: Sendable, Equatable {
        var arguments: Value<[String: String]>?
        var target: Value<String>?
        var platform: Value<String>?
        var secrets: Value<[String: Value<BuildInputs.SecretSource>]>?
        /// How the file names the table's keys in messages: `tool.workflows.build.` in pyproject.toml.
        var prefix = "build."

        static let keys = ["args", "target", "platform", "secrets"]
        static let secretKeys = ["env", "file"]

        init(arguments: Value<[String: String]>? = nil, target: Value<String>? = nil, platform: Value<String>? = nil,
             secrets: Value<[String: Value<BuildInputs.SecretSource>]>? = nil) {
            self.arguments = arguments
            self.target = target
            self.platform = platform
            self.secrets = secrets
        }

        init(_ reader: KeyReader) throws {
            prefix = reader.prefix
            try reader.rejectUnknown(allowed: Self.keys)
            arguments = try reader.environment("args", expanding: true)
            if let arguments {
                // A value from ${VAR} goes to the CLI by name, in its environment: a name the CLI reads itself
                // would change what the CLI does.
                let secrets = reader.secrets.values
                for (name, value) in arguments.value where secrets.contains(where: { value.contains($0) }) {
                    if BuildInputs.isReadByTheCLI(name) {
                        throw reader.error(
                            "args", "'\(reader.prefix)args.\(name)' takes a value from the environment, but the engine's CLI "
                                + "reads \(name) itself: rename the build argument, or write its value literally")
                    }
                }
            }
            target = try reader.string("target")
            if let target, target.value.range(of: BuildInputs.stageName, options: .regularExpression) == nil {
                throw reader.error("target", "'\(reader.prefix)target' must be a stage name (FROM IMAGE AS NAME), not '\(target.value)'")
            }
            platform = try reader.string("platform")
            if let platform {
                if platform.value.contains(",") {
                    throw reader.error(
                        "platform", "'\(reader.prefix)platform' names one platform, not '\(platform.value)': the image "
                            + "is loaded into the engine that runs its gates, which holds one")
                }
                guard platform.value.range(of: BuildInputs.platformPattern, options: .regularExpression) != nil else {
                    throw reader.error(
                        "platform", "'\(reader.prefix)platform' must be OS/ARCHITECTURE[/VARIANT], such as linux/amd64 "
                            + "or linux/arm64/v8, not '\(platform.value)'")
                }
            }
            secrets = try Self.secrets(reader)
        }

        /// `secrets`: `NAME = { env = "VARIABLE" }` or `NAME = { file = "path" }`.
        private static func secrets(_ reader: KeyReader) throws -> Value<[String: Value<BuildInputs.SecretSource>]>? {
            guard let table = try reader.table("secrets") else { return nil }
            var secrets: [String: Value<BuildInputs.SecretSource>] = [:]
            let shape = "a table with one of env = \"VARIABLE\" or file = \"path\""
            for name in table.keys {
                let key = "\(reader.prefix)secrets.\(name)"
                let position = table.position(of: name) ?? reader.position("secrets")
                guard name.range(of: BuildInputs.secretName, options: .regularExpression) != nil else {
                    throw ProjectFileError(
                        file: reader.file, position: position,
                        "'\(key)': a secret's name is what RUN --mount=type=secret,id=NAME reads: letters, digits, _, . and -")
                }
                guard let source = table[name]?.tableValue else {
                    throw ProjectFileError(file: reader.file, position: position, "'\(key)' must be \(shape)")
                }
                let inner = KeyReader(table: source, file: reader.file, prefix: key + ".", secrets: reader.secrets)
                try inner.rejectUnknown(allowed: secretKeys)
                let variable = try inner.string("env")
                let path = try inner.string("file")
                switch (variable, path) {
                case (let variable?, nil):
                    guard variable.value.range(of: "^[A-Za-z_][A-Za-z0-9_]*$", options: .regularExpression) != nil else {
                        throw inner.error("env", "'\(key).env' must be an environment variable's name, not '\(variable.value)'")
                    }
                    guard let value = reader.secrets.variables[variable.value] else {
                        throw inner.error(
                            "env", "'\(key)' reads the environment variable \(variable.value), which is not set (set it "
                                + "where workflows runs, or read the secret from a file: { file = \"path\" })")
                    }
                    reader.secrets.hide([value])
                    secrets[name] = .init(value: .environment(variable.value), origin: inner.origin("env"), position: variable.position)
                case (nil, let path?):
                    secrets[name] = .init(value: .file(path.value), origin: inner.origin("file"), position: path.position)
                default:
                    throw ProjectFileError(file: reader.file, position: position, "'\(key)' must be \(shape)")
                }
            }
            return .init(value: secrets, origin: reader.origin("secrets"), position: reader.position("secrets"))
        }
    }
}

extension KeyReader {
    func error(_ key: String, _ message: String) -> ProjectFileError {
        ProjectFileError(file: file, position: position(key), message)
    }
}
