import Foundation

/// Everything specific to the Python project the pipeline works on: plain data, resolved from the project
/// file and the repository's conventions by `ProjectLoader` before the command line is interpreted.
/// Paths are relative: `dockerfile`, `context` and `testRequirements` to the root, `sources` and `tests`
/// to `sourceRoot`.
struct Project: Sendable, Equatable {
    /// How the image is proved healthy when the project file says so; else the image's own HEALTHCHECK.
    enum HealthProbe: Sendable, Equatable {
        /// An HTTP(S) URL requested from inside the container with Python's standard library.
        case url(String)
        /// A shell command run inside the container, as `docker run --health-cmd` runs it.
        case command(String)
    }

    /// A gate's configuration file, and where it goes in the image's working directory.
    struct ConfigFile: Sendable, Equatable {
        var source: String
        var destination: String
    }

    /// The repository root (`-C`, else the current folder).
    var root: URL
    /// The project file that was read, relative to the root; nil when conventions alone describe it.
    var file: String?
    var image: String
    var dockerfile: String
    var context: String
    var sourceRoot: String
    var sources: [String]
    var tests: [String]
    /// The requirement files the test requirements name (the project file's other entries are in `testDependencies`).
    var testRequirements: [String]
    /// The test requirements and every file they include (`-r`, `-c`): what travels into the gates' image.
    var requirementFiles: [String]
    /// The runtime requirements for `install_all_packages`: `requirements.txt` beside the source root or at the root.
    var runtimeRequirements: String?
    var gates: [Gate]
    /// Gate tools that nothing pins (no test requirement, lock file or pre-commit hook): installed at their latest.
    var unpinnedTools: [String]
    /// Gate tools that no test requirement installs: installed by name (constrained where a constraint file
    /// or the lock file pins them; at a pre-commit hook's version, `ruff==0.6.9`, when its `rev` names one;
    /// else unpinned, and in `unpinnedTools`), and a mypy or flake8 hook's `additional_dependencies`.
    var tools: [String] = []
    /// Groups, extras and lock pins beside the requirement files, and the installer pins left out.
    var testDependencies = TestDependencies()
    var configFiles: [ConfigFile]
    var health: HealthProbe?
    /// Sorted by name: `--env` on the health container.
    var healthEnvironment: [String: String]
    var healthTimeoutSeconds: Double
    /// Where each value came from, by key: `.workflows.toml:4`, `pyproject.toml [tool.pytest.ini_options]`,
    /// `convention`, as `git config --show-origin` shows it.
    var origins: [String: String]
    /// `environment`: set in every gate's container (and for host-side gates), over the image's own.
    var environment: [String: String] = [:]
    /// `[tool.workflows.gate.NAME]`, and what other files (pre-commit hooks) say of a gate.
    var gateSettings: [Gate: GateSettings] = [:]
    /// What came from `${VAR}` in the project file: `***` wherever workflows prints or reports it.
    var secrets: [String] = []
    /// `services.NAME`, sorted by name: started beside the gates' and the health container, never for host-side steps.
    var services: [Service] = []
    /// pytest-cov in use: the pytest gate also writes coverage.xml (see `PytestCoverage`).
    var coverage: PytestCoverage? = nil
    /// Each tool's exact pin, by normalised distribution name (`ruff` → `0.6.9`): from the tools' own
    /// pins, the test requirements, `pyproject.toml`'s declared lines and the lock file. Reports name it.
    var toolVersions: [String: String] = [:]
    /// hadolint's configuration at the repository root (`.hadolint.yaml`), which the hadolint gate reads.
    var hadolintConfig: String? = nil
    /// `[build]`: build arguments, target, platform and secrets.
    var build = BuildInputs()

    /// hadolint's `failure-threshold` (its arguments', else its configuration's): findings below it are
    /// reported without failing the gate. Nil: hadolint's default, `info`.
    var hadolintThreshold: String? = nil

    /// What a project says of one gate beyond its name.
    struct GateSettings: Sendable, Equatable {
        /// Appended to the gate's command.
        var arguments: [String] = []
        /// Where the gate runs, relative to the source root; nil: the source root (the image's working directory).
        var workingDirectory: String? = nil
        /// Over the top-level `environment`.
        var environment: [String: String] = [:]

        /// What the gate checks instead of `sources`, relative to the source root: the files a pre-commit
        /// hook's `files`/`exclude` leave.
        var paths: [String]? = nil

        init(arguments: [String] = [], workingDirectory: String? = nil, environment: [String: String] = [:]) {
            self.arguments = arguments
            self.workingDirectory = workingDirectory
            self.environment = environment
        }
    }

    /// Where entries of `tools` that a pre-commit hook gave came from: `.pre-commit-config.yaml:4 (rev v0.6.9)`.
    var toolOrigins: [String: String] = [:]
    /// What the project's files made the loader decide that a person should hear once (a pre-commit rev that
    /// pins nothing, a fixing argument dropped): `show_project` lists them, and runs that install tools say them.
    var notes: [String] = []


    /// The version of the gate's tool that the project pins (`toolVersions`), or nil (installed at its latest,
    /// or the project's own, as Django).
    func toolVersion(of gate: Gate) -> String? {
        gate.usesTheProjectsOwnTool ? nil : toolVersions[Requirements.normalize(gate.package)]
    }

    /// The interpreter for the host-side steps; in the image it is `python`.
    static let hostPython = "python3"
    static let healthPollSeconds = 0.25

    func path(_ relative: String) -> URL {
        relative == "." ? root : root.appendingPathComponent(relative)
    }

    /// A path relative to the source root, as a path relative to the repository root.
    func repositoryPath(ofSource relative: String) -> String {
        relative == "." ? sourceRoot : sourceRoot == "." ? relative : sourceRoot + "/" + relative
    }

    /// The gate's `python` arguments (`-m TOOL …`, `manage.py test …`), with the project's own for it
    /// (`gate.NAME.args`, a pre-commit hook's `args`) appended; a hook's `files`/`exclude` may narrow what
    /// it checks (`paths`). Paths are relative to where the gate runs (`workingDirectory(of:)`).
    func arguments(for gate: Gate) -> [String] {
        if gate == .hadolint {
            return Hadolint.arguments(dockerfile: dockerfile, config: hadolintConfig, extra: gateSettings[gate]?.arguments ?? [])
        }
        let folder = workingDirectory(of: gate)
        let rebase = { (paths: [String]) in paths.map { Self.path($0, relativeTo: folder) } }
        let settings = gateSettings[gate]
        return gate.pythonArguments(sources: rebase(settings?.paths ?? sources), tests: rebase(tests)) + (settings?.arguments ?? [])
    }

    /// Where the gate runs, relative to the source root: `.` unless `gate.NAME.working-directory` says
    /// (hadolint runs in the repository root, its paths the repository's: `Hadolint`).
    func workingDirectory(of gate: Gate) -> String {
        guard let folder = gateSettings[gate]?.workingDirectory, !folder.isEmpty else { return "." }
        let normalized = (folder as NSString).standardizingPath
        return normalized.isEmpty || normalized == "/" ? "." : normalized
    }

    /// The gate's environment: the top-level `environment`, then `gate.NAME.environment` over it.
    func environment(of gate: Gate) -> [String: String] {
        environment.merging(gateSettings[gate]?.environment ?? [:]) { $1 }
    }

    /// A value that came from `${VAR}` (or holds one that did): passed by name, never in an argument vector.
    func isSecret(_ value: String) -> Bool {
        secrets.contains { value.contains($0) }
    }

    /// `path` (relative to the source root) as seen from `folder` (relative to the source root too).
    static func path(_ path: String, relativeTo folder: String) -> String {
        guard folder != "." else { return path }
        let from = folder.split(separator: "/")
        let to = (path as NSString).standardizingPath.split(separator: "/")
        var common = 0
        while common < from.count, common < to.count, from[common] == to[common] { common += 1 }
        let parts = Array(repeating: "..", count: from.count - common) + to[common...].map(String.init)
        return parts.isEmpty ? "." : parts.joined(separator: "/")
    }
}
